import Dispatch
import Foundation
#if os(Linux)
import Glibc
#endif

/// `ShimTransport` over TLS that trusts exactly the CAs in one PEM file (`Configuration.caFile`): the
/// certificate chain and the host name (DNS name or IP address) are verified, TLS 1.2 at least, and a
/// failure is an error, never a fallback to no verification.
///
/// On Linux URLSession (libcurl) cannot be given a CA file, so this sends through OpenSSL directly (the
/// `libssl` FoundationNetworking already loads): one connection per request with `Connection: close`,
/// blocking I/O on a Dispatch thread, `timeout` seconds per socket operation. Elsewhere it is unavailable
/// and `init` throws.
public final class CAFileTransport: ShimTransport, @unchecked Sendable {
    public let caFile: URL
    public let timeout: Double
    #if os(Linux)
    private let ssl: OpenSSLLibrary
    /// Immutable after `init` (OpenSSL allows sharing a configured context across threads).
    private let context: OpaquePointer
    #endif

    /// Loads the CA file now: a missing or unreadable file, or one without a certificate, throws here.
    public init(caFile: URL, timeout: Double = 5) throws(ShimConfigurationError) {
        self.caFile = caFile
        self.timeout = timeout
        guard timeout > 0, timeout.isFinite else { throw ShimConfigurationError("timeout must be positive, got \(timeout)") }
        #if os(Linux)
        let ssl: OpenSSLLibrary
        switch OpenSSLLibrary.shared {
        case .success(let s): ssl = s
        case .failure(let e): throw e
        }
        guard let method = ssl.clientMethod(), let context = ssl.contextNew(method) else {
            throw ShimConfigurationError("caFile: cannot create a TLS context: " + ssl.lastError("SSL_CTX_new failed"))
        }
        guard ssl.contextControl(context, OpenSSLLibrary.SSL_CTRL_SET_MIN_PROTO_VERSION, OpenSSLLibrary.TLS1_2_VERSION, nil) == 1,
              ssl.contextLoadVerifyLocations(context, caFile.path, nil) == 1 else {
            let why = ssl.lastError("no certificate in it")
            ssl.contextFree(context)
            throw ShimConfigurationError("caFile \(caFile.path) cannot be used as the trusted CA: \(why)")
        }
        ssl.contextSetVerify(context, OpenSSLLibrary.SSL_VERIFY_PEER, nil)
        _ = ssl.contextSetOptions(context, OpenSSLLibrary.SSL_OP_IGNORE_UNEXPECTED_EOF)
        self.ssl = ssl
        self.context = context
        #else
        throw ShimConfigurationError("caFile is supported on Linux only; elsewhere pass a URLSessionTransport "
            + "whose session trusts your CA")
        #endif
    }

    deinit {
        #if os(Linux)
        ssl.contextFree(context)
        #endif
    }

    public func send(_ request: ShimRequest) async throws -> ShimResponse {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ShimResponse, Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.exchange(request) })
            }
        }
    }

    /// Why a request got no response: connect, handshake, verification, I/O or a malformed answer.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    func exchange(_ request: ShimRequest) throws -> ShimResponse {
        #if os(Linux)
        guard request.url.scheme?.lowercased() == "https", let host = request.url.host, !host.isEmpty else {
            throw Failure(message: "caFile needs an https:// URL, got \(request.url.absoluteString)")
        }
        let port = request.url.port ?? 443
        let bytes = try Self.requestBytes(request, host: host, port: port)
        let blocked = SIGPIPEBlock()
        defer { blocked.restore() }
        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        guard let session = ssl.sslNew(context) else { throw Failure(message: ssl.lastError("SSL_new failed")) }
        defer { ssl.sslFree(session) }
        try handshake(session, fd: fd, host: host)
        try write(session, bytes)
        let answer = try readAll(session)
        _ = ssl.sslShutdown(session)
        do { return try ShimHTTPResponseReader.parse(answer, requestMethod: request.method) } catch {
            throw Failure(message: "\(host):\(port): \(error.message)")
        }
        #else
        throw Failure(message: "caFile is supported on Linux only")
        #endif
    }

    /// The request head and body; header values with CR or LF are refused (no injected lines).
    static func requestBytes(_ request: ShimRequest, host: String, port: Int) throws -> [UInt8] {
        var target = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { target += "?" + query }
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (port == 443 ? "" : ":\(port)")
        var head = "\(request.method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nConnection: close\r\n"
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            guard lower != "host", lower != "connection", lower != "content-length" else { continue }
            guard !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                throw Failure(message: "header \(name) holds a line break")
            }
            head += "\(name): \(value)\r\n"
        }
        if !request.body.isEmpty || request.method == "POST" || request.method == "PUT" {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + Array(request.body)
    }

    #if os(Linux)
    private func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure(message: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let a = info {
            info = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
            // On Linux SO_SNDTIMEO bounds connect() too.
            guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0,
                  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                lastError = errno
                close(fd)
                continue
            }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            lastError = errno
            close(fd)
        }
        throw Failure(message: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    private func handshake(_ session: OpaquePointer, fd: Int32, host: String) throws {
        guard ssl.sslSetFD(session, fd) == 1 else { throw Failure(message: ssl.lastError("SSL_set_fd failed")) }
        var address = in6_addr()
        let isIP = inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
        if isIP {
            guard ssl.verifyParamSet1IPText(ssl.sslGet0Param(session), host) == 1 else {
                throw Failure(message: ssl.lastError("cannot verify against IP address \(host)"))
            }
        } else {
            let named = host.withCString { name in
                ssl.sslControl(session, OpenSSLLibrary.SSL_CTRL_SET_TLSEXT_HOSTNAME, OpenSSLLibrary.TLSEXT_NAMETYPE_host_name,
                               UnsafeMutableRawPointer(mutating: name)) == 1
            }
            guard named, ssl.sslSet1Host(session, host) == 1 else {
                throw Failure(message: ssl.lastError("cannot verify against host name \(host)"))
            }
        }
        let rc = ssl.sslConnect(session)
        let verify = ssl.sslGetVerifyResult(session)
        guard rc == 1 else {
            if verify != OpenSSLLibrary.X509_V_OK {
                _ = ssl.lastError("")
                throw Failure(message: "TLS to \(host): certificate verify failed: " + verifyText(verify))
            }
            let e = errno
            throw Failure(message: "TLS to \(host): handshake failed: " + ssl.lastError(e == 0 ? "connection closed" : String(cString: strerror(e))))
        }
        guard verify == OpenSSLLibrary.X509_V_OK else {
            throw Failure(message: "TLS to \(host): certificate verify failed: " + verifyText(verify))
        }
        guard let certificate = ssl.sslGetPeerCertificate(session) else {
            throw Failure(message: "TLS to \(host): the server presented no certificate")
        }
        ssl.certificateFree(certificate)
    }

    private func verifyText(_ code: Int) -> String {
        ssl.verifyErrorString(code).map { String(cString: $0) } ?? "X509 error \(code)"
    }

    private func write(_ session: OpaquePointer, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { ssl.sslWrite(session, $0.baseAddress, Int32(min($0.count, 1 << 20))) }
            guard n > 0 else { throw Failure(message: "TLS write failed: " + ssl.lastError(String(cString: strerror(errno)))) }
            sent += Int(n)
        }
    }

    private func readAll(_ session: OpaquePointer) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            errno = 0
            let n = buffer.withUnsafeMutableBytes { ssl.sslRead(session, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                out.append(contentsOf: buffer[..<Int(n)])
                guard out.count <= ShimHTTPResponseReader.maxBytes else {
                    throw Failure(message: "the response is larger than \(ShimHTTPResponseReader.maxBytes) bytes")
                }
                continue
            }
            let code = ssl.sslGetError(session, n)
            // 6 = SSL_ERROR_ZERO_RETURN: close_notify, or (SSL_OP_IGNORE_UNEXPECTED_EOF) a bare EOF; 5 =
            // SSL_ERROR_SYSCALL without errno is a bare EOF on older libraries. The parser checks the lengths.
            if code == 6 || (code == 5 && errno == 0) { return out }
            let e = errno
            throw Failure(message: "TLS read failed: " + ssl.lastError(e == EAGAIN || e == EWOULDBLOCK
                ? "timed out after \(timeout) s" : "error \(code) (\(String(cString: strerror(e))))"))
        }
    }
    #endif
}

#if os(Linux)
/// Blocks SIGPIPE on this thread while OpenSSL writes to a socket the peer may have closed (OpenSSL
/// uses write(2), not send with MSG_NOSIGNAL); a SIGPIPE raised meanwhile is consumed, never delivered.
private struct SIGPIPEBlock {
    private var previous = sigset_t()
    private let wasBlocked: Bool

    init() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, &previous)
        wasBlocked = sigismember(&previous, SIGPIPE) == 1
    }

    func restore() {
        guard !wasBlocked else { return }
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGPIPE)
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&set, nil, &zero)
        }
        var old = previous
        pthread_sigmask(SIG_SETMASK, &old, nil)
    }
}
#endif
