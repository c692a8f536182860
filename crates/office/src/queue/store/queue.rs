//! Writes of the queue at the counters, run on the writer thread inside a group-commit batch:
//! counter actions, offline tickets, and the events they emit. Each runs in its own savepoint,
//! so an error (nobody waiting, not the counter's ticket…) leaves the database as it was.

use super::read::{
    self, counter_info, counter_ref, counter_services, current_ticket_id, day_str, load_ticket, ts,
    EventPayload,
};
use super::{
    CounterAction, CounterCommand, CounterOutcome, CounterRef, EventKind, EventRecord,
    OfflineOutcome, OfflineRequest, Origin, StoreError, TicketRecord,
};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_core::time::office_day;
use motcua_core::PriorityStrategy;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Inserts an event and returns it with its id.
pub(crate) fn insert_event(
    conn: &Connection,
    kind: EventKind,
    at: DateTime<Utc>,
    ticket: TicketRecord,
    counter: Option<CounterRef>,
    waiting: BTreeMap<String, u32>,
    from_service_id: Option<String>,
) -> Result<EventRecord, StoreError> {
    let payload = EventPayload {
        ticket,
        counter,
        waiting,
        from_service_id,
    };
    let data = serde_json::to_string(&payload)
        .map_err(|e| StoreError::Storage(format!("cannot encode event: {e}")))?;
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO events (type, at, ticket_id, counter_id, data)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        )?
        .query_row(
            params![
                kind.as_str(),
                ts(at),
                payload.ticket.id,
                payload.counter.as_ref().map(|c| c.id.as_str()),
                data
            ],
            |r| r.get(0),
        )?;
    Ok(EventRecord {
        id,
        kind,
        at,
        ticket: payload.ticket,
        counter: payload.counter,
        waiting: payload.waiting,
        from_service_id: payload.from_service_id,
    })
}

fn must_load(conn: &Connection, id: &str) -> Result<TicketRecord, StoreError> {
    load_ticket(conn, id)?.ok_or(StoreError::UnknownTicket)
}

fn service_exists(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM services WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The oldest waiting ticket (by issue time) among the counter's services on `day`.
fn oldest_waiting(
    conn: &Connection,
    counter_id: &str,
    only_service: Option<&str>,
    day: NaiveDate,
    priority_only: bool,
) -> Result<Option<(String, bool)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT t.id, t.priority <> 'none' FROM tickets t
             WHERE t.office_day = ?1 AND t.status = 'waiting'
               AND t.service_id IN (SELECT service_id FROM counter_services
                                    WHERE counter_id = ?2)
               AND (?3 IS NULL OR t.service_id = ?3)
               AND (?4 = 0 OR t.priority <> 'none')
             ORDER BY t.issued_at, t.id LIMIT 1",
        )?
        .query_row(
            params![day_str(day), counter_id, only_service, priority_only],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The next ticket for a counter under `strategy`, given how many ordinary tickets it called
/// in a row. Returns the id and whether it is a priority ticket.
pub(crate) fn pick_next(
    conn: &Connection,
    counter_id: &str,
    only_service: Option<&str>,
    day: NaiveDate,
    strategy: PriorityStrategy,
    ordinary_streak: u32,
) -> Result<Option<(String, bool)>, StoreError> {
    let priority_first = match strategy {
        PriorityStrategy::Strict => true,
        PriorityStrategy::Every(n) => ordinary_streak >= n,
    };
    if priority_first {
        if let Some(t) = oldest_waiting(conn, counter_id, only_service, day, true)? {
            return Ok(Some(t));
        }
    }
    oldest_waiting(conn, counter_id, only_service, day, false)
}

/// Runs one counter action; returns its outcome and the events it emitted, in order.
pub(crate) fn counter_action(
    conn: &Connection,
    cmd: &CounterCommand,
    now: DateTime<Utc>,
    strategy: PriorityStrategy,
) -> Result<(CounterOutcome, Vec<EventRecord>), StoreError> {
    let day = office_day(now);
    let counter = counter_ref(conn, &cmd.counter_id)?
        .ok_or_else(|| StoreError::UnknownCounter(cmd.counter_id.clone()))?;
    let current = current_ticket_id(conn, &counter.id)?;
    let mut events = Vec::new();

    let acted_on = match &cmd.action {
        CounterAction::CallNext { service_id } => {
            if let Some(s) = service_id {
                if !service_exists(conn, s)? {
                    return Err(StoreError::UnknownService(s.clone()));
                }
                if !counter_services(conn, &counter.id)?.contains(s) {
                    return Err(StoreError::ServiceNotServed {
                        counter_number: counter.number,
                        service_id: s.clone(),
                    });
                }
            }
            if let Some(cur) = &current {
                complete(conn, cur, now)?;
                events.push(emit(conn, EventKind::Completed, now, cur, &counter, None)?);
            }
            let streak: u32 = conn
                .prepare_cached("SELECT ordinary_streak FROM counters WHERE id = ?1")?
                .query_row([&counter.id], |r| r.get(0))?;
            let (next, is_priority) = pick_next(
                conn,
                &counter.id,
                service_id.as_deref(),
                day,
                strategy,
                streak,
            )?
            .ok_or(StoreError::QueueEmpty)?;
            conn.prepare_cached(
                "UPDATE tickets SET status = 'called', counter_id = ?2, called_at = ?3
                 WHERE id = ?1 AND status = 'waiting'",
            )?
            .execute(params![next, counter.id, ts(now)])?;
            let streak = if is_priority {
                0
            } else {
                streak.saturating_add(1)
            };
            conn.prepare_cached("UPDATE counters SET ordinary_streak = ?2 WHERE id = ?1")?
                .execute(params![counter.id, streak])?;
            events.push(emit(conn, EventKind::Called, now, &next, &counter, None)?);
            next
        }
        CounterAction::CallNumber { number } => {
            // Checked before the current ticket is completed: a refusal changes nothing.
            let next = callable_by_number(conn, &counter, number, day)?;
            if let Some(cur) = &current {
                complete(conn, cur, now)?;
                events.push(emit(conn, EventKind::Completed, now, cur, &counter, None)?);
            }
            conn.prepare_cached(
                "UPDATE tickets SET status = 'called', counter_id = ?2, called_at = ?3
                 WHERE id = ?1 AND status IN ('waiting', 'skipped')",
            )?
            .execute(params![next, counter.id, ts(now)])?;
            // Announced like any call: the board shows it at this counter.
            events.push(emit(conn, EventKind::Called, now, &next, &counter, None)?);
            next
        }
        action => {
            let cur = match (&current, &cmd.ticket_id) {
                (Some(cur), Some(asked)) if cur != asked => {
                    return Err(ticket_not_own(conn, asked)?);
                }
                (Some(cur), _) => cur.clone(),
                (None, Some(asked)) => return Err(ticket_not_own(conn, asked)?),
                (None, None) => return Err(StoreError::NoCurrentTicket),
            };
            match action {
                CounterAction::Recall => {
                    events.push(emit(conn, EventKind::Recalled, now, &cur, &counter, None)?);
                }
                CounterAction::Skip => {
                    conn.prepare_cached("UPDATE tickets SET status = 'skipped' WHERE id = ?1")?
                        .execute(params![cur])?;
                    events.push(emit(conn, EventKind::Skipped, now, &cur, &counter, None)?);
                }
                CounterAction::Complete => {
                    complete(conn, &cur, now)?;
                    events.push(emit(conn, EventKind::Completed, now, &cur, &counter, None)?);
                }
                CounterAction::Transfer { service_id } => {
                    if !service_exists(conn, service_id)? {
                        return Err(StoreError::UnknownService(service_id.clone()));
                    }
                    let from: String = conn
                        .prepare_cached("SELECT service_id FROM tickets WHERE id = ?1")?
                        .query_row([&cur], |r| r.get(0))?;
                    if &from == service_id {
                        return Err(StoreError::SameService);
                    }
                    // Back to waiting in the other service; issued_at is untouched, so the
                    // ticket keeps its place by issue time there.
                    conn.prepare_cached(
                        "UPDATE tickets SET service_id = ?2, status = 'waiting',
                                counter_id = NULL, called_at = NULL
                         WHERE id = ?1",
                    )?
                    .execute(params![cur, service_id])?;
                    events.push(emit(
                        conn,
                        EventKind::Transferred,
                        now,
                        &cur,
                        &counter,
                        Some(from),
                    )?);
                }
                CounterAction::CallNext { .. } | CounterAction::CallNumber { .. } => {
                    unreachable!("handled above")
                }
            }
            cur
        }
    };
    let ticket = must_load(conn, &acted_on)?;
    let info = counter_info(conn, counter, day)?;
    Ok((
        CounterOutcome {
            counter: info,
            ticket,
        },
        events,
    ))
}

/// Splits a typed number into its letters and sequence (`A12` → `A`, 12), for a number typed
/// without its zeros; `None` for an offline number (`A1-007`) or one without digits.
fn prefix_and_seq(number: &str) -> Option<(&str, u32)> {
    let split = number.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = number.split_at(split);
    let prefix_ok = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_uppercase());
    if !prefix_ok || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((prefix, digits.parse().ok()?))
}

/// Today's waiting or skipped ticket with this number in a service `counter` serves, or why
/// there is none: no such number today, another service's, or being served or done.
fn callable_by_number(
    conn: &Connection,
    counter: &CounterRef,
    number: &str,
    day: NaiveDate,
) -> Result<String, StoreError> {
    let (prefix, seq) = prefix_and_seq(number).map_or((None, None), |(p, n)| (Some(p), Some(n)));
    struct Found {
        id: String,
        number: String,
        status: String,
        name_vi: String,
        name_en: String,
        counter_name: Option<String>,
        served_here: bool,
    }
    let found: Vec<Found> = {
        let mut st = conn.prepare_cached(
            "SELECT t.id, t.number, t.status, s.name_vi, s.name_en, c.name,
                    t.service_id IN (SELECT service_id FROM counter_services
                                     WHERE counter_id = ?5)
             FROM tickets t
             JOIN services s ON s.id = t.service_id
             JOIN services si ON si.id = t.issued_service_id
             LEFT JOIN counters c ON c.id = t.counter_id
             WHERE t.office_day = ?1
               AND (t.number = ?2 OR (?3 IS NOT NULL AND t.seq = ?4 AND si.prefix = ?3))
             ORDER BY t.issued_at, t.id",
        )?;
        let rows = st.query_map(
            params![day_str(day), number, prefix, seq, counter.id],
            |r| {
                Ok(Found {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    status: r.get(2)?,
                    name_vi: r.get(3)?,
                    name_en: r.get(4)?,
                    counter_name: r.get(5)?,
                    served_here: r.get(6)?,
                })
            },
        )?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let callable = |t: &&Found| t.status == "waiting" || t.status == "skipped";
    if let Some(t) = found.iter().filter(|t| t.served_here).find(callable) {
        return Ok(t.id.clone());
    }
    if let Some(t) = found.iter().find(|t| t.served_here) {
        return Err(StoreError::NumberNotCallable {
            number: t.number.clone(),
            status: t
                .status
                .parse()
                .map_err(|_| StoreError::Storage("bad status in database".into()))?,
            counter_name: t.counter_name.clone(),
        });
    }
    match found.into_iter().next() {
        Some(t) => Err(StoreError::NumberNotServed {
            number: t.number,
            counter_number: counter.number,
            service_name_vi: t.name_vi,
            service_name_en: t.name_en,
        }),
        None => Err(StoreError::NumberNotFound(number.to_owned())),
    }
}

/// The error for a `ticket_id` that is not the counter's current ticket.
fn ticket_not_own(conn: &Connection, asked: &str) -> Result<StoreError, StoreError> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM tickets WHERE id = ?1")?
        .query_row([asked], |_| Ok(()))
        .optional()?
        .is_some();
    Ok(if exists {
        StoreError::NotYourTicket
    } else {
        StoreError::UnknownTicket
    })
}

fn complete(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET status = 'completed', completed_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, ts(now)])?;
    Ok(())
}

fn emit(
    conn: &Connection,
    kind: EventKind,
    now: DateTime<Utc>,
    ticket_id: &str,
    counter: &CounterRef,
    from_service_id: Option<String>,
) -> Result<EventRecord, StoreError> {
    let ticket = must_load(conn, ticket_id)?;
    let waiting = read::waiting_map(conn, ticket.office_day)?;
    insert_event(
        conn,
        kind,
        now,
        ticket,
        Some(counter.clone()),
        waiting,
        from_service_id,
    )
}

/// Stores an offline ticket once per `local_id`; emits `issued` when it is new.
pub(crate) fn ingest_offline(
    conn: &Connection,
    req: &OfflineRequest,
    now: DateTime<Utc>,
) -> Result<(OfflineOutcome, Vec<EventRecord>), StoreError> {
    let origin = Origin::Kiosk(req.kiosk_id.clone());
    let existing: Option<(String, String)> = conn
        .prepare_cached("SELECT origin, number FROM tickets WHERE id = ?1")?
        .query_row([&req.local_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((o, number)) = existing {
        if o == origin.to_db() && number == req.number {
            let ticket = must_load(conn, &req.local_id)?;
            return Ok((
                OfflineOutcome {
                    ticket,
                    created: false,
                },
                Vec::new(),
            ));
        }
        return Err(StoreError::TicketConflict);
    }
    if !service_exists(conn, &req.service_id)? {
        return Err(StoreError::UnknownService(req.service_id.clone()));
    }
    // A kiosk clock ahead of the server's must not put the ticket ahead of later ones.
    let issued_at = req.issued_at.min(now);
    let day = office_day(issued_at);
    conn.prepare_cached(
        "INSERT INTO tickets (id, service_id, issued_service_id, office_day, seq, number,
                              priority, status, issued_at, origin)
         VALUES (?1, ?2, ?2, ?3, NULL, ?4, ?5, 'waiting', ?6, ?7)",
    )?
    .execute(params![
        req.local_id,
        req.service_id,
        day_str(day),
        req.number,
        req.priority.as_str(),
        ts(issued_at),
        origin.to_db()
    ])?;
    let ticket = must_load(conn, &req.local_id)?;
    let waiting = read::waiting_map(conn, day)?;
    let ev = insert_event(
        conn,
        EventKind::Issued,
        now,
        ticket.clone(),
        None,
        waiting,
        None,
    )?;
    Ok((
        OfflineOutcome {
            ticket,
            created: true,
        },
        vec![ev],
    ))
}
