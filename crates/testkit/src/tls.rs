//! Certificates as an office would make them (docs/SECURITY.md): its own certificate authority,
//! and the server's certificate signed by it for `127.0.0.1` and `localhost`. Kiosks and
//! browsers trust the authority; the server presents the certificate.

use motcua_office::TlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// The files of one office's certificates, written under a folder.
pub struct OfficeCerts {
    /// PEM of the authority's certificate: what `office.ca_file` names.
    pub ca_file: PathBuf,
    /// The server's certificate and key: what `--tls-cert` and `--tls-key` name.
    pub server: TlsFiles,
    /// A certificate that is its own authority (CA:TRUE) for the same names, and its key:
    /// rustls refuses such a certificate as a server's.
    pub self_signed_ca: TlsFiles,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("no names");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, name);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

/// Writes a certificate or key file readable by this user only (as `openssl` writes keys: the
/// server refuses a key file others may read).
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::io::Write;
    let path = dir.join(name);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("certificate file written");
    path
}

/// Makes an office authority and a server certificate under `dir`.
pub fn office_certs(dir: &Path) -> OfficeCerts {
    let ca_key = KeyPair::generate().expect("CA key");
    let params = ca_params("UBND xã Thử Nghiệm – CA nội bộ");
    let ca = params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(params, ca_key);

    let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    let mut leaf = CertificateParams::new(names.clone()).expect("server names");
    leaf.distinguished_name
        .push(DnType::CommonName, "motcua.office.test");
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().expect("server key");
    let cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("server certificate");

    let mut own = ca_params("motcua self-signed");
    own.subject_alt_names = CertificateParams::new(names)
        .expect("server names")
        .subject_alt_names;
    let own_key = KeyPair::generate().expect("key");
    let own_cert = own
        .self_signed(&own_key)
        .expect("self-signed CA certificate");

    OfficeCerts {
        ca_file: write(dir, "office-ca.pem", &ca.pem()),
        server: TlsFiles {
            cert: write(dir, "server.pem", &cert.pem()),
            key: write(dir, "server-key.pem", &leaf_key.serialize_pem()),
        },
        self_signed_ca: TlsFiles {
            cert: write(dir, "own.pem", &own_cert.pem()),
            key: write(dir, "own-key.pem", &own_key.serialize_pem()),
        },
    }
}
