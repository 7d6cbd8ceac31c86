//! TLS: an untrusted certificate is an error, a trusted one works.

use super::*;

pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    pub(crate) leaf_der: Vec<u8>,
    pub(crate) key_der: Vec<u8>,
}

/// A throwaway CA and a leaf for 127.0.0.1, generated per test.
pub(crate) fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_der: leaf.der().to_vec(),
        key_der: leaf_key.serialize_der(),
    }
}

pub(crate) async fn start_tls(pki: &Pki) -> (String, Arc<State>, Arc<AtomicUsize>) {
    use tokio_rustls::rustls;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(
                pki.leaf_der.clone(),
            )],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let state = Arc::new(State {
        case: Case::Good,
        elsewhere: String::new(),
        next: AtomicUsize::new(0),
        hostile: AtomicUsize::new(0),
        presented: Mutex::default(),
    });
    let handshakes = Arc::new(AtomicUsize::new(0));
    let (s, h) = (state.clone(), handshakes.clone());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, s, h) = (acceptor.clone(), s.clone(), h.clone());
            tokio::spawn(async move {
                if let Ok(Ok(tls)) =
                    tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await
                {
                    h.fetch_add(1, Ordering::SeqCst);
                    serve(tls, s).await;
                }
            });
        }
    });
    (base_url, state, handshakes)
}

#[test]
pub(crate) fn an_untrusted_certificate_is_an_error_and_a_trusted_one_works() {
    let pki = pki();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (base, state, handshakes) = rt.block_on(start_tls(&pki));
    let mut target = support::target_for(&base, support::PROFILE);
    target.http.timeout = REQUEST_TIMEOUT;

    // Not trusted: every trial is an error naming the certificate; nothing is sent.
    let run = run_target(&rt, target.clone(), state.clone(), Arc::default());
    assert_eq!(run.records.len(), 5);
    for r in &run.records {
        match &r.outcome {
            Outcome::Error { cause } => assert!(
                cause.contains("could not connect") && cause.to_lowercase().contains("certificate"),
                "{cause}"
            ),
            other => panic!(
                "{}: an untrusted certificate must be an error, got {other:?}",
                r.name
            ),
        }
    }
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        0,
        "no TLS session was ever completed"
    );
    assert_eq!(
        state.next.load(Ordering::SeqCst),
        0,
        "no request (and no credential) reached the server"
    );

    // The control: the same server trusted through ca_bundle passes, so the error above was the trust decision.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    target.http.ca_bundle = Some(ca);
    let run = run_target(&rt, target, state.clone(), Arc::default());
    for r in &run.records {
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    }
    assert!(handshakes.load(Ordering::SeqCst) > 0);
}

// ---------------------------------------------------------------- zero linger for the reset case

/// Sanity check of the server itself: the reset case really sends an RST.
#[test]
pub(crate) fn the_reset_case_sends_a_reset() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let idp = start(Case::Reset).await;
        let addr = idp.base_url.trim_start_matches("http://").to_string();
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"POST /oauth2/token HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let e = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
            .await
            .unwrap();
        assert_eq!(
            e.map_err(|e| e.kind()).unwrap_err(),
            std::io::ErrorKind::ConnectionReset,
            "{:?}",
            String::from_utf8_lossy(&buf)
        );
    });
}
