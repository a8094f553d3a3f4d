import CCurl
import Foundation

/// Sends one message to the configured SMTP server through libcurl's easy interface: the envelope
/// (MAIL FROM, RCPT TO), STARTTLS when the server offers it for `smtp://` (required when there are
/// credentials and the server is another machine), TLS from the start for `smtps://`, AUTH with the
/// user and password when given, and the message uploaded as `MailMessage.rendered()` makes it.
///
/// `send` blocks for the whole exchange (name lookup, connection, TLS, the dialogue), up to the
/// configured timeout. Call it from a thread of its own, never on Swift's cooperative pool, whose
/// few threads every task shares: `sendOnOwnThread` does that for async callers. Each call uses a
/// handle of its own, so calls on different threads do not meet.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration

    /// A whole message, headers and both bodies encoded.
    public static let maximumMessageBytes = 4 << 20

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
    }

    /// Sends `message`, returning when the server accepted it (250 after the data); throws what
    /// went wrong otherwise. Blocking (see the type's note).
    public func send(_ message: MailMessage) throws(SMTPError) {
        let bytes = message.rendered()
        guard bytes.count <= Self.maximumMessageBytes else { throw .messageTooLarge(bytes: bytes.count) }
        guard CurlCalls.globalInit == CURLE_OK.rawValue else {
            throw .library("curl_global_init devolvió \(CurlCalls.globalInit)")
        }
        guard CurlCalls.available else { throw .library("no se encontró curl_easy_setopt") }
        guard let handle = curl_easy_init() else { throw .library("curl_easy_init") }
        defer { curl_easy_cleanup(handle) }
        // RCPT TO: libcurl puts the angle brackets around a bare address.
        guard let recipients = curl_slist_append(nil, message.to.address) else { throw .library("curl_slist_append") }
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(bytes)
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorText.deallocate() }

        let configuration = configuration
        var settings: [(CURLoption, () -> CURLcode)] = [
            (CURLOPT_URL, { CurlCalls.set(handle, CURLOPT_URL, configuration.url) }),
            // Nothing but SMTP, whatever a URL might say, and no signals (threads, and no SIGALRM).
            (CURLOPT_PROTOCOLS_STR, { CurlCalls.set(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps") }),
            (CURLOPT_NOSIGNAL, { CurlCalls.set(handle, CURLOPT_NOSIGNAL, 1) }),
            (CURLOPT_ERRORBUFFER, { CurlCalls.set(handle, CURLOPT_ERRORBUFFER, pointer: errorText) }),
            (
                CURLOPT_CONNECTTIMEOUT_MS,
                { CurlCalls.set(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds) }
            ),
            (CURLOPT_TIMEOUT_MS, { CurlCalls.set(handle, CURLOPT_TIMEOUT_MS, configuration.timeout.milliseconds) }),
            (CURLOPT_USE_SSL, { CurlCalls.set(handle, CURLOPT_USE_SSL, configuration.security.curlValue) }),
            (CURLOPT_MAIL_FROM, { CurlCalls.set(handle, CURLOPT_MAIL_FROM, "<\(configuration.from.address)>") }),
            (CURLOPT_MAIL_RCPT, { CurlCalls.set(handle, CURLOPT_MAIL_RCPT, pointer: recipients) }),
            (CURLOPT_UPLOAD, { CurlCalls.set(handle, CURLOPT_UPLOAD, 1) }),
            // Announced in MAIL FROM (SIZE=…) when the server takes the SIZE extension.
            (CURLOPT_INFILESIZE_LARGE, { CurlCalls.set(handle, CURLOPT_INFILESIZE_LARGE, bytes.count) }),
            (CURLOPT_READFUNCTION, { CurlCalls.set(handle, CURLOPT_READFUNCTION, callback: uploadRead) }),
            (
                CURLOPT_READDATA,
                { CurlCalls.set(handle, CURLOPT_READDATA, pointer: Unmanaged.passUnretained(upload).toOpaque()) }
            ),
            // Replies to the data carry nothing to keep; without this libcurl would write any to stdout.
            (CURLOPT_WRITEFUNCTION, { CurlCalls.set(handle, CURLOPT_WRITEFUNCTION, callback: discardReply) }),
        ]
        if let username = configuration.username, let password = configuration.password {
            settings.append((CURLOPT_USERNAME, { CurlCalls.set(handle, CURLOPT_USERNAME, username) }))
            settings.append((CURLOPT_PASSWORD, { CurlCalls.set(handle, CURLOPT_PASSWORD, password) }))
        }
        for (option, apply) in settings {
            let code = apply()
            guard code == CURLE_OK else {
                throw .library("curl_easy_setopt(\(option.rawValue)) devolvió \(code.rawValue)")
            }
        }
        let code = withExtendedLifetime(upload) { curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            let detail = String(cString: errorText)
            throw .delivery(
                curlCode: Int(code.rawValue), smtpStatus: CurlCalls.info(handle, CURLINFO_RESPONSE_CODE),
                detail: Self.clean(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
    }

    /// `send` on a thread of its own, so an async caller never blocks the cooperative pool. The
    /// thread ends with the exchange, which the configured timeout bounds.
    public func sendOnOwnThread(_ message: MailMessage) async throws(SMTPError) {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Void, SMTPError>, Never>) in
            let thread = Thread {
                do throws(SMTPError) {
                    try send(message)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "capacita-smtp"
            thread.start()
        }
        try result.get()
    }

    /// curl's text on one line, bounded.
    static func clean(_ text: String) -> String {
        let flat = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        return String(flat.trimmingSpaces.prefix(300))
    }
}

/// The message's bytes handed to libcurl as it asks for them.
private final class Upload {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

}

/// libcurl's read callback: the next part of the upload in `context` (an `Upload`), 0 at its end.
private func uploadRead(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, let context else { return 0 }
    let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
    let room = size.multipliedReportingOverflow(by: count)
    let length = min(room.overflow ? Int.max : room.partialValue, upload.bytes.count - upload.offset)
    guard length > 0 else { return 0 }
    upload.bytes.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + upload.offset, byteCount: length)
    }
    upload.offset += length
    return length
}

/// libcurl's write callback: takes everything, keeps nothing.
private func discardReply(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let total = size.multipliedReportingOverflow(by: count)
    return total.overflow ? 0 : total.partialValue
}

extension SMTPConfiguration.Security {
    var curlValue: Int {
        switch self {
        case .startTLSWhenOffered: return Int(CURLUSESSL_TRY.rawValue)
        case .startTLSRequired, .implicitTLS: return Int(CURLUSESSL_ALL.rawValue)
        }
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(clamping: min(max(seconds, 0), 1 << 31)) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
