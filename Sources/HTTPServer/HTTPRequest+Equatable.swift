extension HTTPRequest: Equatable {
    package static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.path == rhs.path && lhs.query == rhs.query
            && lhs.headers == rhs.headers && lhs.body == rhs.body
    }
}
