//! Queries shared by the read-only connections and the writer: tickets with their queue
//! position, services with their wait estimates, counters, events, the board snapshot.
//! Every function takes a plain `&Connection` (a transaction derefs to one).

use super::{
    estimate_wait_from_secs, secs_each, BoardRecord, CalledRecord, CounterInfo, CounterRef,
    EventRecord, Origin, ServiceInfo, StoreError, TicketRecord, MAX_SERVICE_SECS, MAX_SKIPPED,
    RECENT_SERVICE_TIMES,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use motcua_core::TicketStatus;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Stored form of a timestamp: UTC RFC 3339 with microseconds and `Z` (sorts as text).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Storage(format!("bad timestamp in database: {s}")))
}

pub(crate) fn day_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Storage(format!("bad {what} in database"))
}

/// Per-service figures the estimates need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServiceStats {
    pub secs_each: u32,
    pub counters: u32,
}

/// Mean call→completion seconds over the service's latest completed tickets (plausible ones
/// only), and how many there were.
fn recent_service_time(conn: &Connection, service_id: &str) -> Result<(u32, f64), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(AVG(d), 0) FROM (
                 SELECT (julianday(completed_at) - julianday(called_at)) * 86400.0 AS d
                 FROM tickets
                 WHERE service_id = ?1 AND status = 'completed' AND called_at IS NOT NULL
                   AND (julianday(completed_at) - julianday(called_at)) * 86400.0
                       BETWEEN 0 AND ?2
                 ORDER BY completed_at DESC LIMIT ?3)",
        )?
        .query_row(
            params![service_id, MAX_SERVICE_SECS, RECENT_SERVICE_TIMES],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
}

/// Seconds per citizen and counters of a service, given its default minutes.
pub(crate) fn service_stats(
    conn: &Connection,
    service_id: &str,
    default_minutes: u32,
) -> Result<ServiceStats, StoreError> {
    let (n, mean) = recent_service_time(conn, service_id)?;
    let counters: u32 = conn
        .prepare_cached("SELECT COUNT(*) FROM counter_services WHERE service_id = ?1")?
        .query_row([service_id], |r| r.get(0))?;
    Ok(ServiceStats {
        secs_each: secs_each(n, mean, default_minutes),
        counters,
    })
}

/// All services in display order with the office day's waiting counts and estimates.
pub(crate) fn list_services(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<ServiceInfo>, StoreError> {
    let day = day_str(day);
    let mut st = conn.prepare_cached(
        "SELECT s.id, s.prefix, s.name_vi, s.name_en, s.open, s.default_minutes,
                s.sort_order,
                (SELECT COUNT(*) FROM counter_services cs WHERE cs.service_id = s.id),
                (SELECT COUNT(*) FROM tickets t WHERE t.service_id = s.id
                    AND t.office_day = ?1 AND t.status = 'waiting')
         FROM services s ORDER BY s.sort_order, s.id",
    )?;
    let rows = st.query_map([&day], |r| {
        Ok(ServiceInfo {
            id: r.get(0)?,
            prefix: r.get(1)?,
            name_vi: r.get(2)?,
            name_en: r.get(3)?,
            open: r.get(4)?,
            default_minutes: r.get(5)?,
            sort_order: r.get(6)?,
            counters: r.get(7)?,
            waiting: r.get(8)?,
            secs_each: 0,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for s in &mut out {
        let (n, mean) = recent_service_time(conn, &s.id)?;
        s.secs_each = secs_each(n, mean, s.default_minutes);
    }
    Ok(out)
}

/// Tickets waiting per service on `day`, every service listed (0 when none wait).
pub(crate) fn waiting_map(
    conn: &Connection,
    day: NaiveDate,
) -> Result<BTreeMap<String, u32>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT s.id, (SELECT COUNT(*) FROM tickets t WHERE t.service_id = s.id
                          AND t.office_day = ?1 AND t.status = 'waiting')
         FROM services s",
    )?;
    let rows = st.query_map([day_str(day)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const TICKET_SELECT: &str =
    "SELECT t.id, t.service_id, t.office_day, t.seq, t.number, t.priority, t.status,
            t.issued_at, t.called_at, t.counter_id, t.completed_at, t.origin,
            s.name_vi, s.name_en, s.default_minutes
     FROM tickets t JOIN services s ON s.id = t.service_id
     WHERE t.id = ?1";

/// A ticket row before its queue position is known.
struct RawTicket {
    rec: TicketRecord,
    default_minutes: u32,
}

fn raw_ticket(r: &Row<'_>) -> rusqlite::Result<Result<RawTicket, StoreError>> {
    let day: String = r.get(2)?;
    let priority: String = r.get(5)?;
    let status: String = r.get(6)?;
    let issued_at: String = r.get(7)?;
    let called_at: Option<String> = r.get(8)?;
    let completed_at: Option<String> = r.get(10)?;
    let origin: String = r.get(11)?;
    let (id, service_id, seq, number, counter_id, name_vi, name_en, default_minutes) = (
        r.get(0)?,
        r.get(1)?,
        r.get(3)?,
        r.get(4)?,
        r.get(9)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
    );
    Ok((|| {
        Ok(RawTicket {
            rec: TicketRecord {
                id,
                service_id,
                office_day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| corrupt("office day"))?,
                seq,
                number,
                priority: priority.parse().map_err(|_| corrupt("priority"))?,
                status: status
                    .parse::<TicketStatus>()
                    .map_err(|_| corrupt("status"))?,
                issued_at: parse_ts(&issued_at)?,
                called_at: called_at.as_deref().map(parse_ts).transpose()?,
                counter_id,
                completed_at: completed_at.as_deref().map(parse_ts).transpose()?,
                origin: Origin::from_db(&origin).ok_or_else(|| corrupt("origin"))?,
                people_ahead: 0,
                estimated_wait_minutes: 0,
                service_name_vi: name_vi,
                service_name_en: name_en,
                replayed: false,
            },
            default_minutes,
        })
    })())
}

/// A ticket by id with its queue position now: waiting tickets of its service and office day
/// ahead of it by issue time, and the estimate from the service's recent times.
pub(crate) fn load_ticket(conn: &Connection, id: &str) -> Result<Option<TicketRecord>, StoreError> {
    let Some(raw) = conn
        .prepare_cached(TICKET_SELECT)?
        .query_row([id], raw_ticket)
        .optional()?
    else {
        return Ok(None);
    };
    let RawTicket {
        mut rec,
        default_minutes,
    } = raw?;
    if rec.status == TicketStatus::Waiting {
        rec.people_ahead = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM tickets
                 WHERE service_id = ?1 AND office_day = ?2 AND status = 'waiting'
                   AND (issued_at < ?3 OR (issued_at = ?3 AND id < ?4))",
            )?
            .query_row(
                params![
                    rec.service_id,
                    day_str(rec.office_day),
                    ts(rec.issued_at),
                    rec.id
                ],
                |r| r.get(0),
            )?;
        let stats = service_stats(conn, &rec.service_id, default_minutes)?;
        rec.estimated_wait_minutes =
            estimate_wait_from_secs(rec.people_ahead, stats.secs_each, stats.counters);
    }
    Ok(Some(rec))
}

/// A counter's id, number and name.
pub(crate) fn counter_ref(conn: &Connection, id: &str) -> Result<Option<CounterRef>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, number, name FROM counters WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(CounterRef {
                id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
            })
        })
        .optional()?)
}

/// Services a counter serves, in display order.
pub(crate) fn counter_services(conn: &Connection, id: &str) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT cs.service_id FROM counter_services cs JOIN services s ON s.id = cs.service_id
         WHERE cs.counter_id = ?1 ORDER BY s.sort_order, s.id",
    )?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id of the counter's current (called) ticket.
pub(crate) fn current_ticket_id(conn: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM tickets WHERE counter_id = ?1 AND status = 'called'")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// A counter's live state on `day`.
pub(crate) fn counter_info(
    conn: &Connection,
    counter: CounterRef,
    day: NaiveDate,
) -> Result<CounterInfo, StoreError> {
    let service_ids = counter_services(conn, &counter.id)?;
    let current = match current_ticket_id(conn, &counter.id)? {
        Some(id) => load_ticket(conn, &id)?,
        None => None,
    };
    let served_today = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM tickets
             WHERE counter_id = ?1 AND office_day = ?2 AND status = 'completed'",
        )?
        .query_row(params![counter.id, day_str(day)], |r| r.get(0))?;
    Ok(CounterInfo {
        counter,
        service_ids,
        current,
        served_today,
    })
}

/// Today's skipped tickets of the services the counter serves, the latest called first.
pub(crate) fn skipped_today(
    conn: &Connection,
    counter_id: &str,
    day: NaiveDate,
) -> Result<Vec<TicketRecord>, StoreError> {
    if counter_ref(conn, counter_id)?.is_none() {
        return Err(StoreError::UnknownCounter(counter_id.to_owned()));
    }
    let ids: Vec<String> = {
        let mut st = conn.prepare_cached(
            "SELECT t.id FROM tickets t
             WHERE t.office_day = ?1 AND t.status = 'skipped'
               AND t.service_id IN (SELECT service_id FROM counter_services
                                    WHERE counter_id = ?2)
             ORDER BY t.called_at DESC, t.id LIMIT ?3",
        )?;
        let rows = st.query_map(params![day_str(day), counter_id, MAX_SKIPPED], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(t) = load_ticket(conn, &id)? {
            out.push(t);
        }
    }
    Ok(out)
}

/// Every counter, by number.
pub(crate) fn list_counters(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<CounterInfo>, StoreError> {
    let refs: Vec<CounterRef> = {
        let mut st =
            conn.prepare_cached("SELECT id, number, name FROM counters ORDER BY number")?;
        let rows = st.query_map([], |r| {
            Ok(CounterRef {
                id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    refs.into_iter()
        .map(|c| counter_info(conn, c, day))
        .collect()
}

/// The JSON stored in `events.data`.
#[derive(Serialize, Deserialize)]
pub(crate) struct EventPayload {
    pub ticket: TicketRecord,
    pub counter: Option<CounterRef>,
    pub waiting: BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_service_id: Option<String>,
}

const EVENT_SELECT: &str = "SELECT id, type, at, data FROM events";

fn event_row(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn event_record(
    (id, kind, at, data): (i64, String, String, String),
) -> Result<EventRecord, StoreError> {
    let payload: EventPayload =
        serde_json::from_str(&data).map_err(|_| corrupt("event payload"))?;
    Ok(EventRecord {
        id,
        kind: kind.parse().map_err(|_| corrupt("event type"))?,
        at: parse_ts(&at)?,
        ticket: payload.ticket,
        counter: payload.counter,
        waiting: payload.waiting,
        from_service_id: payload.from_service_id,
    })
}

pub(crate) fn events_after(
    conn: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut st = conn.prepare_cached(&format!(
        "{EVENT_SELECT} WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = st.query_map(params![after, limit as i64], event_row)?;
    rows.map(|r| event_record(r?)).collect()
}

pub(crate) fn event(conn: &Connection, id: i64) -> Result<Option<EventRecord>, StoreError> {
    conn.prepare_cached(&format!("{EVENT_SELECT} WHERE id = ?1"))?
        .query_row([id], event_row)
        .optional()?
        .map(event_record)
        .transpose()
}

pub(crate) fn last_event_id(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM events")?
        .query_row([], |r| r.get(0))?)
}

/// The id just before the first event at or after `at`, or the latest id when none is: a
/// replay from there sends only events since `at`. Reads only the events since `at` (by the
/// index on their times), not the whole history.
pub(crate) fn last_event_before(conn: &Connection, at: DateTime<Utc>) -> Result<i64, StoreError> {
    let first: Option<i64> = conn
        .prepare_cached("SELECT MIN(id) FROM events WHERE at >= ?1")?
        .query_row([ts(at)], |r| r.get(0))?;
    match first {
        Some(id) => Ok(id - 1),
        None => last_event_id(conn),
    }
}

/// The start of the office day of `now` (local midnight), in UTC.
pub(crate) fn day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    motcua_core::time::office_day(now)
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(motcua_core::time::vn_offset())
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

/// Today's latest calls, newest first, one per ticket, at most `n`.
fn last_called(
    conn: &Connection,
    day_start: DateTime<Utc>,
    n: usize,
) -> Result<Vec<CalledRecord>, StoreError> {
    let mut out = Vec::new();
    if n == 0 {
        return Ok(out);
    }
    let mut seen = HashSet::new();
    let mut st = conn.prepare_cached(&format!(
        "{EVENT_SELECT} WHERE type IN ('called', 'recalled') AND at >= ?1 ORDER BY id DESC"
    ))?;
    let mut rows = st.query([ts(day_start)])?;
    while let Some(r) = rows.next()? {
        let ev = event_record(event_row(r)?)?;
        let Some(counter) = ev.counter else { continue };
        if !seen.insert(ev.ticket.id.clone()) {
            continue;
        }
        out.push(CalledRecord {
            ticket: ev.ticket,
            counter,
            at: ev.at,
        });
        if out.len() == n {
            break;
        }
    }
    Ok(out)
}

/// The board snapshot, read in one transaction.
pub(crate) fn board(
    conn: &Connection,
    now: DateTime<Utc>,
    n_called: usize,
) -> Result<BoardRecord, StoreError> {
    let tx = conn.unchecked_transaction()?;
    let day = motcua_core::time::office_day(now);
    let day_start = day_start(now);
    let last_event_id = last_event_id(&tx)?;
    let board = BoardRecord {
        counters: list_counters(&tx, day)?,
        last_called: last_called(&tx, day_start, n_called)?,
        services: list_services(&tx, day)?,
        last_event_id,
    };
    tx.commit()?;
    Ok(board)
}
