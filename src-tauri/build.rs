fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        // Our own commands get permissions generated (allow-<command>) and are checked
        // against the capabilities like any plugin command.
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "kiosk_info",
            "list_services",
            "issue_ticket",
            "reprint_ticket",
            "staff_unlock",
            "exit_kiosk",
            "ui_ready",
            "kiosk_status",
            "search_procedures",
            "procedure_fields",
            "get_procedure",
            "print_checklist",
            "signin_start",
            "signin_status",
            "session_end",
            "scan_decode",
            "submit_dossier",
            "scanner_take",
            "staff_state",
            "enroll_kiosk",
            "assist_sign_in",
            "assist_end",
            "staff_tools",
            "print_test_page",
            "reprint_last_ticket",
            "reprint_last_receipt",
        ]));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
