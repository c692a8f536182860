//! The sign-in part of the OpenAPI document.

use serde_json::{json, Value};

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } }
    })
}

fn session_param() -> Value {
    json!({
        "name": "session_id", "in": "path", "required": true,
        "description": "The sign-in's `session_id` (43 base64url characters). It is the only key to the citizen's profile: keep it in memory.",
        "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{43}$" }
    })
}

/// Adds the sign-in paths and schemas to `doc`.
pub fn extend(doc: &mut Value) {
    let paths = json!({
        "/api/v1/auth/device": {
            "post": {
                "operationId": "startSignIn",
                "summary": "Start a citizen sign-in with VNeID (OpenID Connect, device flow, RFC 8628)",
                "description": "The office server starts a device authorization at the identity provider and polls its token endpoint itself (honouring `interval` and `slow_down`). Show `verification_uri_complete` as a QR with `user_code` and a countdown of `expires_in`, then poll `GET /api/v1/auth/device/{session_id}`. No body. `demo: true` means the built-in sandbox provider: label it \"DEMO – không phải VNeID thật\".",
                "responses": {
                    "201": {
                        "description": "Started. `Location` is the session's status URL.",
                        "headers": { "Location": { "schema": { "type": "string" } } },
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeviceSignIn" } } }
                    },
                    "429": error("too_many_sign_ins: too many sign-ins are open at once."),
                    "503": error("sign_in_unavailable: sign-in is not set up on this server, or the provider cannot be reached.")
                }
            }
        },
        "/api/v1/auth/device/{session_id}": {
            "get": {
                "operationId": "signInState",
                "summary": "Where a sign-in stands; the citizen's profile once approved",
                "parameters": [session_param()],
                "responses": {
                    "200": {
                        "description": "The state (`Cache-Control: no-store`).",
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SignInState" } } }
                    },
                    "404": error("not_found: no such session (never was, signed out, or timed out)."),
                    "503": error("sign_in_unavailable: sign-in is not set up on this server.")
                }
            }
        },
        "/api/v1/auth/sessions/{session_id}": {
            "delete": {
                "operationId": "signOut",
                "summary": "Sign out: the session, its profile and its tokens leave the server's memory",
                "parameters": [session_param()],
                "responses": {
                    "204": { "description": "Signed out (also when the session had already ended)." },
                    "503": error("sign_in_unavailable: sign-in is not set up on this server.")
                }
            }
        }
    });
    let schemas = json!({
        "CitizenProfile": {
            "type": "object",
            "required": ["subject"],
            "description": "Personal data: held in memory only, never logged.",
            "properties": {
                "subject": { "type": "string", "description": "The provider's `sub`." },
                "full_name": { "type": "string", "examples": ["Nguyễn Thị Thu Hà"] },
                "date_of_birth": { "type": "string", "format": "date" },
                "gender": { "type": "string", "enum": ["male", "female"] },
                "id_number": { "type": "string", "examples": ["001190012345"] },
                "address": { "type": "string" },
                "phone": { "type": "string" }
            }
        },
        "DeviceSignIn": {
            "type": "object",
            "required": ["session_id", "user_code", "verification_uri", "expires_in", "interval", "demo"],
            "properties": {
                "session_id": { "type": "string", "pattern": "^[A-Za-z0-9_-]{43}$" },
                "user_code": { "type": "string", "examples": ["WDJB-MJHT"] },
                "verification_uri": { "type": "string", "format": "uri" },
                "verification_uri_complete": { "type": "string", "format": "uri" },
                "expires_in": { "type": "integer", "minimum": 1 },
                "interval": { "type": "integer", "minimum": 1 },
                "demo": { "type": "boolean" }
            }
        },
        "SignInState": {
            "type": "object",
            "required": ["status", "interval", "expires_in", "demo"],
            "properties": {
                "status": { "type": "string", "enum": ["pending", "approved", "denied", "expired", "error"] },
                "message": { "type": "string", "description": "Vietnamese / English, when denied, expired or error." },
                "message_vi": { "type": "string" },
                "message_en": { "type": "string" },
                "profile": { "$ref": "#/components/schemas/CitizenProfile" },
                "interval": { "type": "integer", "description": "Seconds the server now waits between polls of the provider (+5 after each slow_down)." },
                "expires_in": { "type": "integer", "minimum": 0 },
                "demo": { "type": "boolean", "description": "Signed in with the built-in sandbox provider (DEMO – không phải VNeID thật)." }
            }
        }
    });
    if let (Some(p), Value::Object(add)) = (doc["paths"].as_object_mut(), paths) {
        p.extend(add);
    }
    if let (Some(s), Value::Object(add)) = (doc["components"]["schemas"].as_object_mut(), schemas) {
        s.extend(add);
    }
    if let Some(codes) =
        doc["components"]["schemas"]["ApiError"]["properties"]["code"]["enum"].as_array_mut()
    {
        codes.push("sign_in_unavailable".into());
        codes.push("too_many_sign_ins".into());
    }
}
