import FapiaoTesting
import Foundation

/// A private CA and certificates issued by it, made once with openssl for the TLS tests.
///
/// The keys protect nothing. Tools/e2e/tls.sh makes fresh ones with openssl each run.
enum TLSFixtures {
    /// The test CA (never trust it anywhere else).
    static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBsDCCAVWgAwIBAgIUVOMZ3NG/Da0cEwI4f+58z9Xf54cwCgYIKoZIzj0EAwIw
        LDEqMCgGA1UEAwwhRmFwaWFvIHVuaXQtdGVzdCBDQSAobmV2ZXIgdHJ1c3QpMCAX
        DTI2MTIwNDIyMDUzMVoYDzIxMjYxMTEwMjIwNTMxWjAsMSowKAYDVQQDDCFGYXBp
        YW8gdW5pdC10ZXN0IENBIChuZXZlciB0cnVzdCkwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAASu8j/y59eHJOtqWaW9caE4GTEefQs4jR5eptTwzOoJ1xofTV1+FW6D
        gIAA+qOSdHL9TV+0WGxeYTYRxDvEhZ0mo1MwUTAdBgNVHQ4EFgQURR0kZfYi3IQO
        x6cHsR5AjTZD9MgwHwYDVR0jBBgwFoAURR0kZfYi3IQOx6cHsR5AjTZD9MgwDwYD
        VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAoYmUeIgWO1yvA0jC5ov8
        J3I6igbD2xlnmzw4VrGCKRcCIQCmHM7YigmzmiZ/MTsp35neueeNdhkUCiLn3LIr
        hJRlPA==
        -----END CERTIFICATE-----
        """

    /// Issued by the CA for 127.0.0.1 and localhost, valid until 2126.
    static let serverCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBrDCCAVOgAwIBAgICEAAwCgYIKoZIzj0EAwIwLDEqMCgGA1UEAwwhRmFwaWFv
        IHVuaXQtdGVzdCBDQSAobmV2ZXIgdHJ1c3QpMCAXDTI2MTIwNDIyMDUzMVoYDzIx
        MjYxMTEwMjIwNTMxWjARMQ8wDQYDVQQDDAZzZXJ2ZXIwWTATBgcqhkjOPQIBBggq
        hkjOPQMBBwNCAATGt1sWA3nCeaNDAz61efCdzfubwgLzXoBvUSa0V+55jayRz+9A
        oVbecmj8sANZ5HfGthiu89R0uv2S8GH260cpo34wfDAaBgNVHREEEzARhwR/AAAB
        gglsb2NhbGhvc3QwEwYDVR0lBAwwCgYIKwYBBQUHAwEwCQYDVR0TBAIwADAdBgNV
        HQ4EFgQUeniGKUfJsrXjmvcDwsLkLFeLE+wwHwYDVR0jBBgwFoAURR0kZfYi3IQO
        x6cHsR5AjTZD9MgwCgYIKoZIzj0EAwIDRwAwRAIgTxxtJsVJbeBhAMhbS4+2MB/Y
        FFaVJWtWKGh/bFSlh24CIGgrVWFIoxpfoNs5w8VP/mPpX7nTzGnoJloftZMSZSr8
        -----END CERTIFICATE-----
        """

    /// The key of ``serverCertificate``.
    static let serverKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKp3Par/IkG3Zq8n3
        GHmBFNTK1QEsyOo6oX+dyrdokGmhRANCAATGt1sWA3nCeaNDAz61efCdzfubwgLz
        XoBvUSa0V+55jayRz+9AoVbecmj8sANZ5HfGthiu89R0uv2S8GH260cp
        -----END PRIVATE KEY-----
        """

    /// Issued by the CA for hq.example only.
    static let elsewhereCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBqzCCAVGgAwIBAgICEAEwCgYIKoZIzj0EAwIwLDEqMCgGA1UEAwwhRmFwaWFv
        IHVuaXQtdGVzdCBDQSAobmV2ZXIgdHJ1c3QpMCAXDTI2MTIwNDIyMDUzMVoYDzIx
        MjYxMTEwMjIwNTMxWjAUMRIwEAYDVQQDDAllbHNld2hlcmUwWTATBgcqhkjOPQIB
        BggqhkjOPQMBBwNCAASIdU0FW/KZqKzTlvDdlRd3oWS+AWuANwtTb776P2r5Xz0F
        fpn/qFDu3MWTut7rwqiypClO7S1NYOahGK0Nmmywo3kwdzAVBgNVHREEDjAMggpo
        cS5leGFtcGxlMBMGA1UdJQQMMAoGCCsGAQUFBwMBMAkGA1UdEwQCMAAwHQYDVR0O
        BBYEFH9BrfLaybaS1OsTI0CpVjveRg7IMB8GA1UdIwQYMBaAFEUdJGX2ItyEDsen
        B7EeQI02Q/TIMAoGCCqGSM49BAMCA0gAMEUCIQCfRWKPGW9g27CCF0u2s2MXdVj4
        +tCC0/9vsPIODesVPQIgHdh3tmsv4o3Ov3gHoEe8sd12OFrP1OCmOJYrQzbQEaU=
        -----END CERTIFICATE-----
        """

    /// The key of ``elsewhereCertificate``.
    static let elsewhereKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOS0okKQ2ICHzQkCP
        EPoF2kYjaNzoOtSsBtVAKGX+HmuhRANCAASIdU0FW/KZqKzTlvDdlRd3oWS+AWuA
        NwtTb776P2r5Xz0Ffpn/qFDu3MWTut7rwqiypClO7S1NYOahGK0Nmmyw
        -----END PRIVATE KEY-----
        """

    /// Issued by the CA for 127.0.0.1 and localhost, valid 2020-01-01 to 2020-01-02 only.
    static let expiredCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBqzCCAVKgAwIBAgICEAIwCgYIKoZIzj0EAwIwLDEqMCgGA1UEAwwhRmFwaWFv
        IHVuaXQtdGVzdCBDQSAobmV2ZXIgdHJ1c3QpMB4XDTIwMDEwMTAwMDAwMFoXDTIw
        MDEwMjAwMDAwMFowEjEQMA4GA1UEAwwHZXhwaXJlZDBZMBMGByqGSM49AgEGCCqG
        SM49AwEHA0IABAimYey598Mg0ImwFOalV1zlds7LlKHXn+9PZkVL80L2qeZ99lXy
        mVYm9FaaLDhq0y2g26AkLuN1vDsnRgY2SzajfjB8MBoGA1UdEQQTMBGHBH8AAAGC
        CWxvY2FsaG9zdDATBgNVHSUEDDAKBggrBgEFBQcDATAJBgNVHRMEAjAAMB0GA1Ud
        DgQWBBQOVb1xf58/ieG9YISf+wGviT9e8jAfBgNVHSMEGDAWgBRFHSRl9iLchA7H
        pwexHkCNNkP0yDAKBggqhkjOPQQDAgNHADBEAiBAvm54cg+ZmgW2kDkLj3PFkDBo
        aQp3k61fXDdVSEIvPgIgeJf4zBZAIAkRN51ltAbqkJ/Zuw+qi1ojxOxahc+y5nc=
        -----END CERTIFICATE-----
        """

    /// The key of ``expiredCertificate``.
    static let expiredKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAPi+mmzb1q219fhG
        s8YU7QT/Eufgy2pmcHjyoqiGPsShRANCAAQIpmHsuffDINCJsBTmpVdc5XbOy5Sh
        15/vT2ZFS/NC9qnmffZV8plWJvRWmiw4atMtoNugJC7jdbw7J0YGNks2
        -----END PRIVATE KEY-----
        """

    /// Writes `text` into `directory` as `name` and returns its path.
    static func write(_ text: String, as name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
