//! The kiosk's identity against a real office server (issue 12), without a window: enrollment
//! with a one-time code (a wrong code refused, the token saved 0600), staff assist sign-in (a
//! wrong password refused), a ticket issued while assisting recorded as assisted, the end of
//! assist, and a revoked token sending the staff screen back to enrollment.

use crate::support;
use motcua_core::{ErrorCode, IssueTicketRequest, Priority};
use motcua_kiosk::services::Kiosk;
use std::os::unix::fs::PermissionsExt;

const ADMIN: (&str, &str) = ("kiosk-admin", "mat-khau-dai-1");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_with_a_code_then_assist_and_the_ticket_is_recorded_assisted() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("office.db");
    // Not registered with the support: this kiosk starts without a token.
    let server = motcua_testkit::start_office(&db, "127.0.0.1:0").await;
    let base = format!("http://{}", server.addr);
    motcua_office::access::add_staff(
        &db,
        &motcua_office::access::NewStaff {
            username: ADMIN.0.into(),
            full_name: "Lê Văn Kỹ Thuật".into(),
            role: motcua_office::access::Role::Admin,
            password: ADMIN.1.into(),
            counters: vec![],
            services: vec![],
        },
    )
    .unwrap();
    let data = tmp.path().join("kiosk");
    let kiosk = Kiosk::start(
        support::kiosk_config(&base, &data, "kiosk-9", &[("MOTCUA_DEMO", "0")]),
        data.clone(),
    )
    .await
    .unwrap();
    let state = kiosk.assist.state();
    assert!(!state.enrolled, "no token yet");
    assert!(
        !state.emergency_pin,
        "no emergency PIN outside demo mode unless the office set one"
    );
    let refused = kiosk.assist.sign_in(ADMIN.0, ADMIN.1).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Unauthorized, "{refused:?}");
    assert!(refused.message_vi.contains("Đăng ký máy"), "{refused:?}");

    // A wrong code, then the admin's.
    let bad = kiosk.assist.enroll("AAAA-BBBB").await.unwrap_err();
    assert_eq!(bad.code, ErrorCode::BadEnrollCode, "{bad:?}");
    assert!(!bad.message_vi.is_empty() && !bad.message_en.is_empty());
    let (code, _expires) =
        motcua_office::access::enroll_code(&db, motcua_core::devices::DeviceKind::Kiosk).unwrap();
    kiosk
        .assist
        .enroll(&code.to_lowercase())
        .await
        .expect("the code, typed in lower case");
    assert!(kiosk.assist.state().enrolled);
    let token_file = data.join("device-token");
    let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = kiosk.assist.enroll(&code).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::BadEnrollCode, "one use: {again:?}");

    // Staff sign in with their own account; a wrong password is refused.
    let wrong = kiosk
        .assist
        .sign_in(ADMIN.0, "sai-roi-nhe")
        .await
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::BadCredentials, "{wrong:?}");
    assert!(
        kiosk.assist.state().enrolled,
        "a wrong password is not a refused token"
    );
    let state = kiosk.assist.sign_in(ADMIN.0, ADMIN.1).await.unwrap();
    let who = state.assisting.expect("assisting");
    assert_eq!(who.full_name, "Lê Văn Kỹ Thuật");
    assert_eq!(who.role, "admin");
    assert!(
        kiosk.assist.may_exit().is_ok(),
        "an admin may leave kiosk mode"
    );

    let issued = kiosk
        .queue
        .issue_ticket(IssueTicketRequest {
            service_id: "ho-tich".into(),
            priority: Priority::None,
        })
        .await
        .unwrap();
    assert!(!issued.ticket.offline, "{:?}", issued.ticket);
    kiosk.assist_end().await;
    assert!(kiosk.assist.state().assisting.is_none());
    assert!(kiosk.assist.may_exit().is_err(), "nobody assists: no exit");

    // The audit trail, as the admin reads it at the office server.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = http
        .post(format!("{base}/api/v1/staff/session"))
        .json(&serde_json::json!({"username": ADMIN.0, "password": ADMIN.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let audit: Vec<serde_json::Value> = http
        .get(format!("{base}/api/v1/audit?limit=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket_entries: Vec<&serde_json::Value> = audit
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.contains("ticket")))
        .collect();
    assert!(
        ticket_entries
            .iter()
            .any(|e| e["assisted_by"] == ADMIN.0 && e["device"] == "kiosk-9"),
        "the ticket assisted by {}: {audit:#?}",
        ADMIN.0
    );
    assert!(
        audit.iter().any(|e| e["action"] == "staff.assist_end"),
        "the end of assist: {audit:#?}"
    );
    let shown = format!("{audit:?}");
    let token = std::fs::read_to_string(&token_file).unwrap();
    assert!(!shown.contains(token.trim()), "no token in the audit");

    // Revoked: the next request is refused and the staff screen offers enrollment again.
    motcua_office::access::revoke_device(&db, "kiosk-9").unwrap();
    let refused = kiosk
        .queue
        .issue_ticket(IssueTicketRequest {
            service_id: "ho-tich".into(),
            priority: Priority::None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Unauthorized, "{refused:?}");
    assert!(
        !kiosk.assist.state().enrolled,
        "a revoked token needs enrollment"
    );
}
