import Foundation
import TestSupport
import Testing

/// `capacita serve --trusted-proxy` (issue #31): an address, or a usage error (2) in Spanish before
/// anything starts; and the option is in serve's help.
@Suite struct ServeTrustedProxyCLITests {
    @Test(arguments: ["localhost", "127.0.0.1:8080", "10.0.0.0/8", ""])
    func anythingButAnAddressIsRefusedBeforeTheServiceStarts(proxy: String) {
        let run = CLI.run(["serve", "--port", "0", "--trusted-proxy", "127.0.0.1", "--trusted-proxy", proxy], url: nil)
        #expect(run.status == 2, "\(proxy): \(run.status) \(run.error)")
        #expect(run.error.contains("--trusted-proxy: una dirección IPv4 o IPv6"), "\(run.error)")
    }

    @Test func theHelpNamesIt() {
        let run = CLI.run(["serve", "--help"], url: nil)
        #expect(run.status == 0 && run.output.contains("--trusted-proxy <dirección>"), "\(run.output)")
    }
}
