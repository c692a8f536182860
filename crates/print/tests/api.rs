//! Public API odds and ends: the screen QR, settings strings, user-facing errors.

use crate::common;

use motcua_core::{ApiError, ErrorCode};
use motcua_print::{qr_svg, sample_ticket, PrintError, Transport};
use std::path::PathBuf;

#[test]
fn qr_svg_is_an_svg_element_that_decodes() {
    let url = sample_ticket().status_url;
    let svg = qr_svg(&url);
    assert!(
        svg.starts_with("<svg "),
        "no XML declaration: {}",
        &svg[..40]
    );
    assert!(!svg.contains("<?xml"));
    for attr in [
        " width=\"",
        " height=\"",
        " viewBox=\"0 0 ",
        "fill=\"#000\"",
        "fill=\"#fff\"",
    ] {
        assert!(svg.contains(attr), "{attr} missing");
    }
    assert!(svg.ends_with("</svg>"));

    // Rasterize it by hand (the path is only "M x y h w v1 h-w z" runs) and decode.
    let vb: Vec<usize> = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let n = vb[0];
    assert_eq!(vb[0], vb[1]);
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let scale = 6;
    let side = n * scale;
    let mut img = vec![255u8; side * side];
    for run in d.split('z').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = run
            .trim_start_matches('M')
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (x, y, w) = (nums[0], nums[1], nums[2]);
        for yy in y * scale..(y + 1) * scale {
            for xx in x * scale..(x + w) * scale {
                img[yy * side + xx] = 0;
            }
        }
    }
    // Quiet zone: the outer 4 modules are white.
    assert!(img[..4 * scale * side].iter().all(|&p| p == 255));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qr.png");
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header().unwrap().write_image_data(&img).unwrap();
    std::fs::write(&path, out).unwrap();
    assert_eq!(common::zbar(&path), vec![url]);
}

#[test]
fn transport_strings() {
    let t = |s: &str| s.parse::<Transport>().unwrap();
    assert_eq!(
        t("folder:/var/spool/tickets"),
        Transport::Folder("/var/spool/tickets".into())
    );
    assert_eq!(
        t("tcp:192.168.1.50:9100"),
        Transport::Tcp("192.168.1.50:9100".into())
    );
    assert_eq!(
        t("tcp:printer.local"),
        Transport::Tcp("printer.local:9100".into())
    );
    assert_eq!(
        t("tcp:[fe80::1]:9101"),
        Transport::Tcp("[fe80::1]:9101".into())
    );
    assert_eq!(t("tcp:fe80::1"), Transport::Tcp("[fe80::1]:9100".into()));
    assert_eq!(
        t("device:/dev/usb/lp0"),
        Transport::Device(PathBuf::from("/dev/usb/lp0"))
    );
    assert_eq!(t("cups"), Transport::Cups { queue: None });
    assert_eq!(
        t("cups:Kiosk_80"),
        Transport::Cups {
            queue: Some("Kiosk_80".into())
        }
    );
    for bad in ["", "usb", "tcp:", "serial:/dev/ttyS0", "folder:"] {
        assert!(bad.parse::<Transport>().is_err(), "{bad:?} accepted");
    }
    for s in [
        "folder:/tmp/x",
        "tcp:10.0.0.2:9100",
        "device:/dev/usb/lp1",
        "cups",
        "cups:q",
    ] {
        assert_eq!(t(s).to_string(), s);
    }
}

#[test]
fn print_errors_become_bilingual_printer_unavailable() {
    let e: ApiError = PrintError::PaperOut.into();
    assert_eq!(e.code, ErrorCode::PrinterUnavailable);
    assert_eq!(e.message_vi, "Máy in hết giấy. Vui lòng báo cán bộ.");
    assert_eq!(
        e.message_en,
        "The printer is out of paper. Please tell a staff member."
    );
    assert_eq!(e.http_status(), 503);
    for err in [
        PrintError::CoverOpen,
        PrintError::Offline("x".into()),
        PrintError::LpMissing,
        PrintError::DeviceMissing("/dev/usb/lp0".into()),
        PrintError::Cups("lp: error".into()),
    ] {
        let e: ApiError = err.into();
        assert_eq!(e.code, ErrorCode::PrinterUnavailable);
        assert!(
            e.message_vi.contains("Vui lòng báo cán bộ"),
            "{}",
            e.message_vi
        );
        assert!(e.message_en.contains("staff member"), "{}", e.message_en);
    }
}
