//! A staff action on a dossier, as one step: the state machine of `motcua_core::life`, the due
//! date's rules (a new count from acceptance, the clock stopped while a supplement is awaited,
//! a new date only with the apology letter), and the history entry it leaves. Pure: the store
//! runs it inside the dossier's transaction ([`super::store::DossierStore::act`]).

use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_core::dossier::{Channel, Dossier, DossierStatus};
use motcua_core::life::{self, Action, ActionKind, Facts, FormId, HistoryEntry};
use motcua_core::staff::StaffWire;
use motcua_core::workdays::WorkCalendar;
use motcua_core::{ApiError, ErrorCode};

/// What a step needs beside the dossier.
pub struct StepContext<'a> {
    /// The office's working calendar.
    pub calendar: &'a WorkCalendar,
    /// The form set forms are issued in now (e.g. `tt01-2018`).
    pub form_version: &'a str,
    /// When.
    pub now: DateTime<Utc>,
}

/// What the state machine knows of `d`: its state, whether an officer accepted it, whether a
/// supplement was ever requested, whether a fee is due.
pub fn facts(d: &Dossier) -> Facts {
    let did = |k: ActionKind| d.history.iter().any(|e| e.action == k);
    Facts {
        status: d.status,
        accepted: d.channel == Channel::Counter
            || did(ActionKind::Accept)
            || did(ActionKind::Receive),
        supplement_requested: did(ActionKind::RequestSupplement),
        fee_due: d.fee_vnd > 0 && !d.fee_paid,
    }
}

/// The appointment of `d` as local time: its recorded hour, else the end of its due day.
fn due_local(d: &Dossier) -> NaiveDateTime {
    d.due_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.naive_local())
        .unwrap_or_else(|| d.due_date.and_hms_opt(23, 59, 59).expect("valid time"))
}

/// Whether `d` is past its appointment at `now` while the office still owes the result (not
/// while a supplement is awaited, nor once the result is ready).
pub fn is_overdue(d: &Dossier, now: DateTime<Utc>) -> bool {
    d.status.clock_runs() && motcua_core::time::to_vn(now).naive_local() > due_local(d)
}

fn rfc3339(t: NaiveDateTime) -> Option<String> {
    t.and_local_timezone(motcua_core::time::vn_offset())
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

/// The first history entry of a dossier filed now: `file` online, `receive` at a counter (then
/// with its receipt, Mẫu 01).
pub fn first_entry(d: &Dossier, by: Option<&StaffWire>, form_version: &str) -> HistoryEntry {
    let counter = d.channel == Channel::Counter;
    HistoryEntry {
        seq: 1,
        at: d.received_at.clone(),
        action: if counter {
            ActionKind::Receive
        } else {
            ActionKind::File
        },
        from: None,
        to: d.status,
        by: by.map_or_else(|| "citizen".to_owned(), |s| s.username.clone()),
        by_name: by.map(|s| s.full_name.clone()),
        role: by.map(|s| s.role),
        note: None,
        form: counter.then_some(FormId::Mau01),
        form_version: counter.then(|| form_version.to_owned()),
        items: vec![],
        reasons: vec![],
        due_date: Some(d.due_date),
        method: None,
        postal_tracking: None,
    }
}

/// `action` by `who` on `d` (with its history): the dossier after it and the entry it leaves
/// (its `seq` the next one); the bilingual refusal otherwise, and nothing changes.
pub fn step(
    d: &Dossier,
    action: Action,
    who: &StaffWire,
    cx: &StepContext<'_>,
) -> Result<(Dossier, HistoryEntry), ApiError> {
    let action = action.cleaned()?;
    let facts = facts(d);
    let to = life::next(&facts, &action, who.role)?;
    let kind = action.kind();
    let local = motcua_core::time::to_vn(cx.now).naive_local();
    let mut after = d.clone();
    after.history.clear();
    after.status = to;
    let mut entry = HistoryEntry {
        seq: d.history.len() as u32 + 1,
        at: motcua_core::time::rfc3339_vn(cx.now),
        action: kind,
        from: Some(d.status),
        to,
        by: who.username.clone(),
        by_name: Some(who.full_name.clone()),
        role: Some(who.role),
        note: action.note().map(str::to_owned),
        form: FormId::of(kind),
        form_version: FormId::of(kind).map(|_| cx.form_version.to_owned()),
        items: vec![],
        reasons: vec![],
        due_date: None,
        method: None,
        postal_tracking: None,
    };
    let set_due = |after: &mut Dossier, at: NaiveDateTime| {
        after.due_date = at.date();
        after.due_at = rfc3339(at);
    };
    match action {
        Action::Accept { .. } => {
            // The processing time counts from acceptance.
            let at = cx.calendar.due_at(local, &d.processing_time);
            set_due(&mut after, at);
            entry.due_date = Some(after.due_date);
        }
        Action::RequestSupplement { items, .. } => {
            // The clock stops (only once it ran: before acceptance it has not started).
            if facts.accepted {
                after.days_left = Some(
                    cx.calendar
                        .working_days_left(local.date(), due_local(d).date()),
                );
            }
            entry.items = items;
        }
        Action::SupplementReceived { .. } => {
            if let Some(left) = d.days_left {
                let at = cx.calendar.resume(local, left);
                set_due(&mut after, at);
                entry.due_date = Some(after.due_date);
            }
            after.days_left = None;
        }
        Action::Refuse { reasons, .. } => entry.reasons = reasons,
        Action::Extend { new_due_date, .. } => {
            if new_due_date <= d.due_date || !cx.calendar.is_working_day(new_due_date) {
                return Err(ApiError::new(
                    ErrorCode::BadRequest,
                    format!(
                        "Ngày hẹn mới (“new_due_date”) phải là một ngày làm việc sau ngày hẹn hiện tại {}.",
                        d.due_date.format("%d/%m/%Y")
                    ),
                    format!(
                        "The new return date (“new_due_date”) must be a working day after the present one, {}.",
                        d.due_date
                    ),
                ));
            }
            let hour = due_local(d).time();
            set_due(&mut after, new_due_date.and_time(hour));
            entry.due_date = Some(new_due_date);
        }
        Action::Return {
            method,
            postal_tracking,
        } => {
            entry.method = Some(method);
            entry.postal_tracking = postal_tracking;
        }
        Action::Process { .. }
        | Action::Stop { .. }
        | Action::ResultReady { .. }
        | Action::Withdraw { .. } => {}
    }
    if to.closed() || to == DossierStatus::ResultReady || to == DossierStatus::AwaitingFee {
        after.days_left = None;
    }
    after.overdue = false;
    Ok((after, entry))
}
