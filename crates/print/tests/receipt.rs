//! The dossier receipt (Mẫu 01, Thông tư 01/2018/TT-VPCP), checked with the real poppler and
//! zbar tools: its text extracts, both QR codes decode from the rasterized page, the tracking
//! URL's signature verifies and the payment QR carries the fee with a valid CRC.

use crate::common;

use common::{run, squash, zbar};
use motcua_print::{render_receipt, sample_dossier, PageSize, Paper, ReceiptFormat};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Checks the two payloads zbar found: the signed tracking URL and the VietQR with the fee.
fn check_qr_payloads(found: &[String]) {
    let d = sample_dossier();
    let key = motcua_core::receipt::signing_key(motcua_print::SAMPLE_RECEIPT_SEED).verifying_key();
    let tracking = found
        .iter()
        .find(|p| p.starts_with("https://"))
        .unwrap_or_else(|| panic!("no tracking QR in {found:?}"));
    assert_eq!(tracking, &d.tracking_url);
    assert_eq!(
        motcua_core::receipt::verify(tracking, &key),
        Some((d.code.clone(), true))
    );
    let pay = found
        .iter()
        .find_map(|p| motcua_core::vietqr::decode(p))
        .unwrap_or_else(|| panic!("no VietQR in {found:?}"));
    assert!(pay.crc_ok);
    assert_eq!(pay.amount.as_deref(), Some("150000"));
    assert_eq!(pay.bin.as_deref(), Some("970436"));
    assert!(pay.purpose.unwrap().contains(&d.code));
}

#[test]
fn a4_and_a5_pdfs_read_and_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample_dossier();
    for (size, name) in [(PageSize::A4, "a4"), (PageSize::A5, "a5")] {
        let bytes = render_receipt(&d, ReceiptFormat::Pdf(size)).unwrap();
        assert!(bytes.len() <= 100 * 1024, "{name}: {} bytes", bytes.len());
        let pdf = write(dir.path(), &format!("{name}.pdf"), &bytes);
        let info = squash(&run("pdfinfo", &[pdf.to_str().unwrap()]));
        let (w, h) = size.mm();
        let pts = |mm: f32| (mm / 25.4 * 72.0).round() as i64;
        let dims: Vec<i64> = info
            .split("Page size: ")
            .nth(1)
            .unwrap()
            .split(' ')
            .filter_map(|t| t.parse::<f32>().ok())
            .map(|v| v.round() as i64)
            .take(2)
            .collect();
        assert_eq!(dims, vec![pts(w), pts(h)], "{info}");
        assert!(info.contains("Pages: 1"), "{info}");
        let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(fonts.contains("NotoSans"), "{fonts}");
        assert!(
            fonts.contains("+NotoSans"),
            "fonts must be subsets: {fonts}"
        );
        let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
        for expected in [
            "UBND THÀNH PHỐ HÀ NỘI",
            "UBND PHƯỜNG HOÀN KIẾM",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hoàn Kiếm, ngày 23 tháng 11 năm 2026",
            "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
            "Confirmation of online submission",
            "Mã hồ sơ: 000.00.00.H26-261123-0042",
            "Ông/Bà: Nguyễn Thị Hồng Nhung",
            "Địa chỉ: Số 12 ngõ 34 phố Hàng Bạc",
            "Số điện thoại: 0912 345 678",
            "Đăng ký thành lập hộ kinh doanh",
            "1. Giấy đề nghị đăng ký hộ kinh doanh — Bản chính: 1 (nộp trực tuyến)",
            "2. Bản sao biên bản họp thành viên hộ gia đình — Bản sao: 1 (nộp trực tuyến)",
            "3. Bản sao hợp đồng thuê địa điểm kinh doanh — Bản sao: 1 (chưa nộp: nộp bản giấy tại quầy)",
            "Còn phải nộp tại quầy: / Still to hand in at the counter:",
            "• Bản sao hợp đồng thuê địa điểm kinh doanh — Bản sao: 1",
            "Thời hạn giải quyết tính từ khi nộp đủ giấy tờ tại quầy.",
            "The due date counts from when the papers are handed in.",
            "03 ngày làm việc",
            "4. Thời gian nộp trực tuyến: 09:05 ngày 23/11/2026",
            "5. Thời gian trả kết quả dự kiến: 09:05 ngày 26/11/2026",
            "Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả",
            "Mang giấy này và các giấy tờ còn phải nộp đến quầy",
            "Quét để tra cứu hồ sơ",
            "Quét để nộp phí/lệ phí",
            "Số tiền: 150.000 đồng",
        ] {
            assert!(text.contains(expected), "{name}: {expected:?} missing from {text:?}");
        }
        for absent in [
            "Bản sao: 0",
            "Bản chính: 0",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
        ] {
            assert!(!text.contains(absent), "{name}: {absent:?} in {text:?}");
        }
        assert_no_ban(&text);
        let prefix = dir.path().join(name);
        run(
            "pdftoppm",
            &[
                "-r",
                "200",
                "-png",
                "-singlefile",
                pdf.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        let found = zbar(&prefix.with_extension("png"));
        assert_eq!(found.len(), 2, "{name}: {found:?}");
        check_qr_payloads(&found);
    }
}

/// No "bạn" on a printout.
fn assert_no_ban(text: &str) {
    let lower = text.to_lowercase();
    for w in lower.split(|c: char| !c.is_alphanumeric()) {
        assert_ne!(w, "bạn", "\"bạn\" printed: {text:?}");
    }
}

#[test]
fn an_accepted_dossier_prints_mau_01_with_its_signatures_and_no_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample_dossier();
    d.status = motcua_core::dossier::DossierStatus::Received;
    d.agency.place = "Nha Trang".into();
    d.due_at = Some("2026-11-26T08:00:00+07:00".into());
    let pdf = write(
        dir.path(),
        "accepted.pdf",
        &render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4)).unwrap(),
    );
    let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for expected in [
        "Nha Trang, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "UBND phường Hoàn Kiếm tiếp nhận hồ sơ của:",
        "3. Bản sao hợp đồng thuê địa điểm kinh doanh — Bản sao: 1 (nộp bản giấy tại quầy)",
        "4. Thời gian nhận hồ sơ: 09:05 ngày 23/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 08:00 ngày 26/11/2026",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    for absent in [
        "XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
        "Còn phải nộp tại quầy",
        "chưa nộp",
        "dự kiến",
        "Bản sao: 0",
    ] {
        assert!(!text.contains(absent), "{absent:?} in {text:?}");
    }
    assert_no_ban(&text);
}

#[test]
fn nothing_on_paper_no_box_and_the_due_date_counts_from_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample_dossier();
    d.documents.retain(|doc| !doc.paper_at_counter);
    let pdf = write(
        dir.path(),
        "online.pdf",
        &render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4)).unwrap(),
    );
    let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN"),
        "{text}"
    );
    assert!(!text.contains("Còn phải nộp tại quầy"), "{text}");
    assert!(
        text.contains("Thời hạn giải quyết tính từ khi cán bộ tiếp nhận hồ sơ."),
        "{text}"
    );
    assert!(
        text.contains("Cán bộ sẽ kiểm tra và tiếp nhận hồ sơ"),
        "{text}"
    );
}

#[test]
fn png_previews_and_thermal_receipt_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample_dossier();
    for (format, name) in [
        (ReceiptFormat::Png, "a4.png"),
        (ReceiptFormat::ThermalPng, "t80.png"),
    ] {
        let bytes = render_receipt(&d, format).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let found = zbar(&write(dir.path(), name, &bytes));
        assert_eq!(found.len(), 2, "{name}: {found:?}");
        check_qr_payloads(&found);
    }
    let esc = render_receipt(&d, ReceiptFormat::EscPos(Paper::Mm80)).unwrap();
    assert!(esc.starts_with(&[0x1B, 0x40]), "ESC @ first");
    assert!(esc.ends_with(&[0x1D, 0x56, 0x01]), "cut last");
    let bitmap = motcua_print::receipt_bitmap(&d, Paper::Mm80);
    assert_eq!(bitmap.width, 576);
    // Every raster row of the bitmap is in the job.
    assert!(esc.len() > bitmap.bits.len());
}

#[test]
fn no_fee_no_payment_qr_and_a_long_checklist_still_fits() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample_dossier();
    d.payment = None;
    d.fee_vnd = 0;
    let doc = d.documents[0].clone();
    d.documents = (0..25).map(|_| doc.clone()).collect();
    let pdf = write(
        dir.path(),
        "long.pdf",
        &render_receipt(&d, ReceiptFormat::Pdf(PageSize::A4)).unwrap(),
    );
    assert!(squash(&run("pdfinfo", &[pdf.to_str().unwrap()])).contains("Pages: 1"));
    let text = squash(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("25. Giấy đề nghị"), "{text}");
    assert!(text.contains("Phí, lệ phí: không"));
    assert!(!text.contains("Quét để nộp phí"));
    let prefix = dir.path().join("long");
    run(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let found = zbar(&prefix.with_extension("png"));
    assert_eq!(found, vec![d.tracking_url.clone()]);
}
