import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A block of client addresses (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`), for who may read
/// `/metrics` (`ServerConfiguration.metricsAllowed`). IPv4 is kept as IPv6 maps it
/// (`::ffff:a.b.c.d`), so a client that reaches an IPv6 socket with an IPv4 address is matched
/// by the IPv4 block.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefix: Int
    public let description: String

    /// The loopback addresses: the default, so only the machine itself reads the metrics.
    public static let loopback: [AddressRange] = ["127.0.0.0/8", "::1"].compactMap(AddressRange.init)

    /// An address, or an address and a prefix length after `/`; nil for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 64 else { return nil }
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (bytes, isV4) = Self.parse(String(parts[0])) else { return nil }
        let most = isV4 ? 32 : 128
        var length = most
        if parts.count == 2 {
            guard let given = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...most).contains(given) else {
                return nil
            }
            length = given
        }
        self.bytes = bytes
        self.prefix = isV4 ? length + 96 : length
        self.description = trimmed
    }

    /// Whether `address` (as the socket gives it, `127.0.0.1` or `::1`) is in the block.
    public func contains(_ address: String) -> Bool {
        guard let (other, _) = Self.parse(address) else { return false }
        var left = prefix
        for index in 0..<16 where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            guard bytes[index] & mask == other[index] & mask else { return false }
            left -= 8
        }
        return true
    }

    /// "127.0.0.1,10.0.0.0/8": every block, or nil when one is not a block or there is none.
    public static func list(_ text: String) -> [AddressRange]? {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty, items.count <= 100 else { return nil }
        let ranges = items.compactMap(AddressRange.init)
        return ranges.count == items.count ? ranges : nil
    }

    /// The 16 bytes of an address (IPv4 mapped into IPv6) and whether it was IPv4. A zone
    /// (`fe80::1%eth0`) is left out.
    private static func parse(_ text: String) -> ([UInt8], Bool)? {
        let address = String(text.prefix { $0 != "%" })
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let value = withUnsafeBytes(of: &v4) { Array($0) }
            return ([UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + value, true)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return (withUnsafeBytes(of: &v6) { Array($0) }, false)
        }
        return nil
    }
}
