import CEpoll
import Glibc

/// Thin wrappers over the BSD socket calls, each checking its return code.
enum Socket {
    /// A resolved address ready for `bind` or `connect`.
    struct Address {
        var family: Int32
        var storage = sockaddr_storage()
        var length: socklen_t = 0
    }

    /// Resolves `host` (a name or a numeric IPv4/IPv6 address) for a stream socket on `port`.
    static func resolve(host: String, port: UInt16, passive: Bool) throws -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0 else {
            throw HTTPServerError(operation: "resolve \(host)", code: nil, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var result: [Address] = []
        var node = list
        while let info = node {
            if let addr = info.pointee.ai_addr, info.pointee.ai_addrlen <= MemoryLayout<sockaddr_storage>.size {
                var address = Address(family: info.pointee.ai_family)
                address.length = info.pointee.ai_addrlen
                withUnsafeMutableBytes(of: &address.storage) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(info.pointee.ai_addrlen)))
                }
                result.append(address)
            }
            node = info.pointee.ai_next
        }
        return result
    }

    /// A new non-blocking stream socket that is not inherited by child processes.
    static func make(family: Int32, what: String) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError.errno("socket for \(what)") }
        guard cepoll_set_nonblocking(fd) == 0 else {
            let error = HTTPServerError.errno("set O_NONBLOCK for \(what)")
            close(fd)
            throw error
        }
        return fd
    }

    /// A non-blocking listening socket on `host:port` (SO_REUSEADDR, not SO_REUSEPORT, so that a port
    /// held by another server is reported instead of silently shared). Returns the fd and bound port.
    static func listen(host: String, port: UInt16, backlog: Int32) throws -> (fd: Int32, port: UInt16) {
        let what = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        var lastError = HTTPServerError(operation: "bind \(what)", code: nil, reason: "no address found")
        for address in try resolve(host: host, port: port, passive: true) {
            let fd = try make(family: address.family, what: what)
            do {
                try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, what: "SO_REUSEADDR on \(what)")
                var storage = address.storage
                let rc = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
                }
                guard rc == 0 else { throw HTTPServerError.errno("bind \(what)") }
                guard Glibc.listen(fd, backlog) == 0 else { throw HTTPServerError.errno("listen on \(what)") }
                return (fd, try localPort(fd))
            } catch let error as HTTPServerError {
                close(fd)
                lastError = error
            }
        }
        throw lastError
    }

    /// The local port a socket is bound to.
    static func localPort(_ fd: Int32) throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw HTTPServerError.errno("getsockname") }
        return withUnsafePointer(to: &storage) { pointer in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, what: String) throws {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw HTTPServerError.errno("setsockopt \(what)")
        }
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback peers.
    static func isLoopback(_ address: sockaddr_storage) -> Bool {
        var a = address
        switch Int32(a.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) >> 24 == 127 }
            }
        case AF_INET6:
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p -> Bool in
                    var bytes = p.pointee.sin6_addr
                    return withUnsafeBytes(of: &bytes) { b in
                        let loop6 = b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1
                        let mapped = b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xff && b[11] == 0xff && b[12] == 127
                        return loop6 || mapped
                    }
                }
            }
        default:
            return false
        }
    }
}
