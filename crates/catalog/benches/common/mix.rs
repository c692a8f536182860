//! What citizens type, for the search benchmark and `examples/search_latency.rs`.

/// The mix: plain, accented, typing prefixes, typos, raw Telex, codes, long phrases.
pub const MIX: &[&str] = &[
    "khai sinh",
    "khai si",
    "k",
    "kh",
    "dang ky ket hon",
    "xác nhận tình trạng hôn nhân",
    "chung thuc ban sao",
    "ho kinh doanh",
    "thuong tru",
    "tam tru",
    "giay phep xay dung",
    "cap doi so do",
    "khai sinhh",
    "ket hônn",
    "ddawng kys khai sinh",
    "1.001193",
    "001193",
    "ho tich",
    "can cuoc",
    "tro cap that nghiep",
    "bao hiem y te",
    "dat dai",
    "nuoi con nuoi",
    "cap lai giay chung nhan quyen su dung dat",
];
