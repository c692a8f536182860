//! The dossier routes' part of the OpenAPI document.

use serde_json::{json, Value};

fn err(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } }
    })
}

fn code_param() -> Value {
    json!({
        "name": "code", "in": "path", "required": true,
        "description": "Dossier code `{agency code}-{YYMMDD}-{4-digit daily sequence}` (Thông tư 01/2018/TT-VPCP, Điều 19).",
        "schema": { "type": "string", "examples": ["H00.00-261123-0001"] }
    })
}

fn html(description: &str) -> Value {
    json!({ "description": description, "content": { "text/html": { "schema": { "type": "string" } } } })
}

/// Adds the dossier paths and schemas to `doc`.
pub fn extend(doc: &mut Value) {
    let paths = json!({
        "/api/v1/dossiers": { "post": {
            "operationId": "fileDossier",
            "summary": "File a dossier online (exactly once per Idempotency-Key)",
            "parameters": [{
                "name": "Idempotency-Key", "in": "header", "required": true,
                "description": "1–128 visible ASCII characters, e.g. a UUID made when the citizen pressed Submit. The same key with the same body returns the same dossier (200); with another body, 409.",
                "schema": { "type": "string", "maxLength": 128 }
            }],
            "requestBody": { "required": true, "description": "Attachments as base64, together at most 30 MB (each at most 10 MB), PDF, JPEG or PNG by content.",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DossierRequest" } } } },
            "responses": {
                "201": { "description": "Filed now.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Dossier" } } } },
                "200": { "description": "Filed before with this key and body: the same dossier.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Dossier" } } } },
                "400": err("missing_idempotency_key, malformed_json or bad_request (a missing or wrong field, not base64). Nothing is stored, no code is used."),
                "404": err("unknown_procedure."),
                "409": err("idempotency_conflict: the key was used with another body."),
                "413": err("file_too_large (over 10 MB) or dossier_too_large (over 30 MB)."),
                "415": err("unsupported_file: not a PDF, JPEG or PNG by content, or empty."),
                "503": err("server_unavailable: not stored; resend with the same key.")
            }
        }},
        "/api/v1/dossiers/{code}": { "get": {
            "operationId": "getDossier",
            "summary": "A dossier: everything with its lookup secret, else the public status only",
            "parameters": [code_param(), {
                "name": "k", "in": "query", "required": false,
                "description": "The lookup secret from the receipt's tracking URL.",
                "schema": { "type": "string" }
            }],
            "responses": {
                "200": { "description": "With the right `k`: the Dossier. Without `k`: DossierStatus (nothing personal).",
                    "content": { "application/json": { "schema": { "oneOf": [
                        { "$ref": "#/components/schemas/Dossier" }, { "$ref": "#/components/schemas/DossierStatus" } ] } } } },
                "404": err("not_found: no such dossier, or a wrong `k`.")
            }
        }},
        "/d/{code}": { "get": {
            "operationId": "dossierTrackingPage",
            "summary": "Tracking page (the receipt's QR): status and return date; says whether the link's signature is valid",
            "parameters": [code_param(),
                { "name": "k", "in": "query", "required": false, "schema": { "type": "string" } },
                { "name": "s", "in": "query", "required": false, "description": "Ed25519 signature, base64url.", "schema": { "type": "string" } }],
            "responses": { "200": html("UTF-8 HTML page in Vietnamese and English."), "404": html("HTML page: not found.") }
        }},
        "/api/v1/receipt-key": { "get": {
            "operationId": "receiptKey",
            "summary": "The Ed25519 public key receipts' tracking links are signed with (for offline checks)",
            "responses": { "200": { "description": "`{\"algorithm\": \"ed25519\", \"public_key\": \"ed25519:<base64url>\"}`",
                "content": { "application/json": { "schema": { "type": "object",
                    "required": ["algorithm", "public_key"],
                    "properties": { "algorithm": { "type": "string" }, "public_key": { "type": "string" } } } } } } }
        }}
    });
    let schemas = json!({
        "Applicant": { "type": "object", "required": ["full_name"], "properties": {
            "full_name": { "type": "string" }, "id_number": { "type": "string", "pattern": "^([0-9]{12})?$" },
            "date_of_birth": { "type": ["string", "null"], "format": "date" }, "gender": { "type": ["string", "null"] },
            "address": { "type": ["string", "null"] }, "phone": { "type": ["string", "null"] }, "email": { "type": ["string", "null"] } } },
        "Delivery": { "oneOf": [
            { "type": "object", "required": ["method"], "properties": { "method": { "const": "office" } } },
            { "type": "object", "required": ["method", "address"], "properties": { "method": { "const": "post" }, "address": { "type": "string" } } } ] },
        "DocumentRequest": { "type": "object", "required": ["name", "submission"], "properties": {
            "name": { "type": "string" }, "originals": { "type": "integer", "minimum": 0 }, "copies": { "type": "integer", "minimum": 0 },
            "submission": { "oneOf": [
                { "type": "object", "required": ["kind", "content_base64"], "properties": {
                    "kind": { "const": "attachment" }, "file_name": { "type": "string" }, "content_base64": { "type": "string", "contentEncoding": "base64" } } },
                { "type": "object", "required": ["kind"], "properties": { "kind": { "const": "paper_at_counter" } } } ] } } },
        "DossierRequest": { "type": "object", "required": ["procedure_code", "applicant", "delivery"], "properties": {
            "procedure_code": { "type": "string", "examples": ["1.001193"] },
            "applicant": { "$ref": "#/components/schemas/Applicant" },
            "answers": { "type": "object", "description": "Form answers by question id." },
            "documents": { "type": "array", "maxItems": 50, "items": { "$ref": "#/components/schemas/DocumentRequest" } },
            "delivery": { "$ref": "#/components/schemas/Delivery" } } },
        "Dossier": { "type": "object",
            "required": ["code", "procedure_code", "procedure_name", "applicant", "received_at", "processing_time", "due_date", "fee_vnd", "status", "documents", "delivery", "tracking_url", "payment", "agency"],
            "properties": {
                "code": { "type": "string" }, "procedure_code": { "type": "string" }, "procedure_name": { "type": "string" },
                "applicant": { "$ref": "#/components/schemas/Applicant" }, "answers": { "type": "object" },
                "received_at": { "type": "string", "format": "date-time" },
                "processing_time": { "type": "object", "required": ["value", "unit"], "properties": {
                    "value": { "type": "number" }, "unit": { "enum": ["Ngày làm việc", "Ngày", "Giờ làm việc", "Giờ", "Tháng", "Năm", "Phút"] } } },
                "due_date": { "type": "string", "format": "date", "description": "Ngày hẹn trả kết quả, in working days from the receipt (weekends and public holidays skipped)." },
                "fee_vnd": { "type": "integer", "minimum": 0 },
                "status": { "enum": ["received", "processing", "completed", "returned", "rejected"] },
                "documents": { "type": "array", "items": { "type": "object", "properties": {
                    "name": { "type": "string" }, "originals": { "type": "integer" }, "copies": { "type": "integer" },
                    "paper_at_counter": { "type": "boolean" },
                    "attachment": { "type": ["object", "null"], "properties": {
                        "file_name": { "type": "string" }, "media_type": { "type": "string" }, "size": { "type": "integer" }, "sha256": { "type": "string" } } } } } },
                "delivery": { "$ref": "#/components/schemas/Delivery" },
                "tracking_url": { "type": "string", "description": "`{public_url}/d/{code}?k={lookup secret}&s={Ed25519 signature}`" },
                "payment": { "type": ["object", "null"], "description": "When a fee is due and the office has a bank account: the VietQR payload.", "properties": {
                    "amount_vnd": { "type": "integer" }, "bank_bin": { "type": "string" }, "account": { "type": "string" },
                    "account_name": { "type": "string" }, "purpose": { "type": "string" }, "vietqr": { "type": "string" } } },
                "agency": { "type": "object", "properties": {
                    "parent": { "type": "string" }, "name": { "type": "string" }, "address": { "type": "string" }, "code": { "type": "string" } } } } },
        "DossierStatus": { "type": "object", "required": ["code", "procedure_name", "status", "due_date"], "properties": {
            "code": { "type": "string" }, "procedure_name": { "type": "string" },
            "status": { "enum": ["received", "processing", "completed", "returned", "rejected"] },
            "due_date": { "type": "string", "format": "date" } } }
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
}
