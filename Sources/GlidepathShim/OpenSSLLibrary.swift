#if os(Linux)
import Glibc

/// The few OpenSSL functions `CAFileTransport` calls, looked up at run time in the `libssl` that
/// FoundationNetworking (through libcurl) already loads: URLSession on Linux cannot be given a CA file
/// (swift-corelibs-foundation reads one only on Android), and the package links no TLS library itself.
///
/// Every function here takes fixed arguments (no C variadics); macros (`SSL_CTX_set_min_proto_version`,
/// `SSL_set_tlsext_host_name`) go through `SSL_CTX_ctrl` / `SSL_ctrl` with OpenSSL's stable constants.
struct OpenSSLLibrary: @unchecked Sendable {
    typealias Handle = OpaquePointer
    let clientMethod: @convention(c) () -> Handle?
    let contextNew: @convention(c) (Handle?) -> Handle?
    let contextFree: @convention(c) (Handle?) -> Void
    let contextLoadVerifyLocations: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let contextSetVerify: @convention(c) (Handle?, Int32, OpaquePointer?) -> Void
    let contextControl: @convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    let contextSetOptions: @convention(c) (Handle?, UInt64) -> UInt64
    let sslNew: @convention(c) (Handle?) -> Handle?
    let sslFree: @convention(c) (Handle?) -> Void
    let sslSetFD: @convention(c) (Handle?, Int32) -> Int32
    let sslControl: @convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    let sslSet1Host: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let sslGet0Param: @convention(c) (Handle?) -> Handle?
    let verifyParamSet1IPText: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let sslConnect: @convention(c) (Handle?) -> Int32
    let sslGetError: @convention(c) (Handle?, Int32) -> Int32
    let sslGetVerifyResult: @convention(c) (Handle?) -> Int
    let sslGetPeerCertificate: @convention(c) (Handle?) -> Handle?
    let certificateFree: @convention(c) (Handle?) -> Void
    let verifyErrorString: @convention(c) (Int) -> UnsafePointer<CChar>?
    let sslRead: @convention(c) (Handle?, UnsafeMutableRawPointer?, Int32) -> Int32
    let sslWrite: @convention(c) (Handle?, UnsafeRawPointer?, Int32) -> Int32
    let sslShutdown: @convention(c) (Handle?) -> Int32
    let errorGet: @convention(c) () -> UInt
    let errorString: @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void

    static let SSL_VERIFY_PEER: Int32 = 1
    static let SSL_CTRL_SET_MIN_PROTO_VERSION: Int32 = 123
    static let TLS1_2_VERSION = 0x0303
    static let SSL_CTRL_SET_TLSEXT_HOSTNAME: Int32 = 55
    static let TLSEXT_NAMETYPE_host_name = 0
    static let X509_V_OK = 0
    static let SSL_OP_IGNORE_UNEXPECTED_EOF: UInt64 = 1 << 7

    /// Loaded once per process; the error says which library or symbol was missing.
    static let shared: Result<OpenSSLLibrary, ShimConfigurationError> = load()

    private static func load() -> Result<OpenSSLLibrary, ShimConfigurationError> {
        var handle: UnsafeMutableRawPointer?
        for name in ["libssl.so.3", "libssl.so"] where handle == nil {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
        }
        guard let handle else {
            return .failure(ShimConfigurationError("caFile needs OpenSSL 3 (libssl.so.3), which could not be loaded"))
        }
        var missing: [String] = []
        func symbol<T>(_ names: String..., as: T.Type) -> T? {
            for name in names { if let p = dlsym(handle, name) { return unsafeBitCast(p, to: T.self) } }
            missing.append(names[0])
            return nil
        }
        let library = OpenSSLLibrary(
            clientMethod: symbol("TLS_client_method", as: (@convention(c) () -> Handle?).self) ?? { nil },
            contextNew: symbol("SSL_CTX_new", as: (@convention(c) (Handle?) -> Handle?).self) ?? { _ in nil },
            contextFree: symbol("SSL_CTX_free", as: (@convention(c) (Handle?) -> Void).self) ?? { _ in },
            contextLoadVerifyLocations: symbol("SSL_CTX_load_verify_locations",
                as: (@convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32).self) ?? { _, _, _ in 0 },
            contextSetVerify: symbol("SSL_CTX_set_verify", as: (@convention(c) (Handle?, Int32, OpaquePointer?) -> Void).self)
                ?? { _, _, _ in },
            contextControl: symbol("SSL_CTX_ctrl",
                as: (@convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int).self) ?? { _, _, _, _ in 0 },
            contextSetOptions: symbol("SSL_CTX_set_options", as: (@convention(c) (Handle?, UInt64) -> UInt64).self)
                ?? { _, _ in 0 },
            sslNew: symbol("SSL_new", as: (@convention(c) (Handle?) -> Handle?).self) ?? { _ in nil },
            sslFree: symbol("SSL_free", as: (@convention(c) (Handle?) -> Void).self) ?? { _ in },
            sslSetFD: symbol("SSL_set_fd", as: (@convention(c) (Handle?, Int32) -> Int32).self) ?? { _, _ in 0 },
            sslControl: symbol("SSL_ctrl",
                as: (@convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int).self) ?? { _, _, _, _ in 0 },
            sslSet1Host: symbol("SSL_set1_host", as: (@convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32).self)
                ?? { _, _ in 0 },
            sslGet0Param: symbol("SSL_get0_param", as: (@convention(c) (Handle?) -> Handle?).self) ?? { _ in nil },
            verifyParamSet1IPText: symbol("X509_VERIFY_PARAM_set1_ip_asc",
                as: (@convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32).self) ?? { _, _ in 0 },
            sslConnect: symbol("SSL_connect", as: (@convention(c) (Handle?) -> Int32).self) ?? { _ in -1 },
            sslGetError: symbol("SSL_get_error", as: (@convention(c) (Handle?, Int32) -> Int32).self) ?? { _, _ in 1 },
            sslGetVerifyResult: symbol("SSL_get_verify_result", as: (@convention(c) (Handle?) -> Int).self) ?? { _ in -1 },
            sslGetPeerCertificate: symbol("SSL_get1_peer_certificate", "SSL_get_peer_certificate",
                as: (@convention(c) (Handle?) -> Handle?).self) ?? { _ in nil },
            certificateFree: symbol("X509_free", as: (@convention(c) (Handle?) -> Void).self) ?? { _ in },
            verifyErrorString: symbol("X509_verify_cert_error_string",
                as: (@convention(c) (Int) -> UnsafePointer<CChar>?).self) ?? { _ in nil },
            sslRead: symbol("SSL_read", as: (@convention(c) (Handle?, UnsafeMutableRawPointer?, Int32) -> Int32).self)
                ?? { _, _, _ in -1 },
            sslWrite: symbol("SSL_write", as: (@convention(c) (Handle?, UnsafeRawPointer?, Int32) -> Int32).self)
                ?? { _, _, _ in -1 },
            sslShutdown: symbol("SSL_shutdown", as: (@convention(c) (Handle?) -> Int32).self) ?? { _ in 0 },
            errorGet: symbol("ERR_get_error", as: (@convention(c) () -> UInt).self) ?? { 0 },
            errorString: symbol("ERR_error_string_n", as: (@convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void).self)
                ?? { _, _, _ in })
        guard missing.isEmpty else {
            return .failure(ShimConfigurationError("caFile needs OpenSSL functions that libssl does not export: "
                + missing.joined(separator: ", ")))
        }
        return .success(library)
    }

    /// The oldest queued OpenSSL error as text (and the queue cleared), or `fallback`.
    func lastError(_ fallback: String) -> String {
        var text: String?
        while case let code = errorGet(), code != 0 {
            if text == nil {
                var buffer = [CChar](repeating: 0, count: 256)
                errorString(code, &buffer, buffer.count)
                text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return text ?? fallback
    }
}
#endif
