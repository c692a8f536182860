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
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.00.00.H26-261123-0042",
            "Ông/Bà: Nguyễn Thị Hồng Nhung",
            "Địa chỉ: Số 12 ngõ 34 phố Hàng Bạc",
            "Số điện thoại: 0912 345 678",
            "Đăng ký thành lập hộ kinh doanh",
            "1. Giấy đề nghị đăng ký hộ kinh doanh — Bản chính: 1; Bản sao: 0",
            "3. Bản sao hợp đồng thuê địa điểm kinh doanh — Bản chính: 0; Bản sao: 1 (nộp bản giấy tại quầy)",
            "03 ngày làm việc",
            "09 giờ 05 phút, ngày 23/11/2026",
            "ngày 26/11/2026",
            "Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Quét để tra cứu hồ sơ",
            "Quét để nộp phí/lệ phí",
            "Số tiền: 150.000 đồng",
        ] {
            assert!(text.contains(expected), "{name}: {expected:?} missing from {text:?}");
        }
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
