import CCurl
import Foundation

/// libcurl's variadic calls, which Swift does not import (`curl_easy_setopt(handle, option, ...)`,
/// `curl_easy_getinfo`). Each is looked up once and called through a C function type with the one
/// fixed argument type the option takes: a long, a pointer, or a function pointer. On the SysV
/// x86-64 and Linux AArch64 ABIs a variadic callee reads such an argument from the register a
/// fixed one arrives in, so this is the call a C caller makes. (Apple's arm64 passes variadic
/// arguments on the stack instead; should the package ever build there, typed wrappers in
/// Sources/CCurl/shim.h are the portable replacement, and only this file changes.)
enum CurlCalls {
    typealias Handle = UnsafeMutableRawPointer
    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    private typealias SetLong = @convention(c) (Handle?, CURLoption, Int) -> CURLcode
    private typealias SetPointer = @convention(c) (Handle?, CURLoption, UnsafeRawPointer?) -> CURLcode
    private typealias SetCallback = @convention(c) (Handle?, CURLoption, DataCallback?) -> CURLcode
    private typealias GetLong = @convention(c) (Handle?, CURLINFO, UnsafeMutablePointer<Int>?) -> CURLcode

    /// The functions' addresses (as integers: a pointer is not Sendable), 0 when not found.
    private static let setoptAddress = address(of: "curl_easy_setopt")
    private static let getinfoAddress = address(of: "curl_easy_getinfo")

    /// curl_global_init, once per process (Swift runs a static's initializer exactly once, before
    /// any thread reads it): libcurl asks for it before any handle is made.
    static let globalInit: UInt32 = curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue

    private static func address(of name: String) -> Int {
        // The process's own scope first (libcurl is linked in), then libcurl by its soname.
        for library in [nil, "libcurl.so.4", "libcurl.4.dylib"] as [String?] {
            guard let handle = dlopen(library, RTLD_NOW) else { continue }
            if let symbol = dlsym(handle, name) { return Int(bitPattern: symbol) }
        }
        return 0
    }

    static var available: Bool { setoptAddress != 0 && getinfoAddress != 0 }

    static func set(_ handle: Handle, _ option: CURLoption, _ value: Int) -> CURLcode {
        guard let function = UnsafeRawPointer(bitPattern: setoptAddress) else { return CURLE_FAILED_INIT }
        return unsafeBitCast(function, to: SetLong.self)(handle, option, value)
    }

    /// A string option: libcurl copies it before returning (since 7.17), so the pointer need not outlive the call.
    static func set(_ handle: Handle, _ option: CURLoption, _ value: String) -> CURLcode {
        guard let function = UnsafeRawPointer(bitPattern: setoptAddress) else { return CURLE_FAILED_INIT }
        return value.withCString { unsafeBitCast(function, to: SetPointer.self)(handle, option, $0) }
    }

    /// A pointer libcurl keeps (the recipients' list, the read context, the error buffer): the
    /// caller keeps it alive until the transfer ends.
    static func set(_ handle: Handle, _ option: CURLoption, pointer: UnsafeRawPointer?) -> CURLcode {
        guard let function = UnsafeRawPointer(bitPattern: setoptAddress) else { return CURLE_FAILED_INIT }
        return unsafeBitCast(function, to: SetPointer.self)(handle, option, pointer)
    }

    static func set(_ handle: Handle, _ option: CURLoption, callback: DataCallback) -> CURLcode {
        guard let function = UnsafeRawPointer(bitPattern: setoptAddress) else { return CURLE_FAILED_INIT }
        return unsafeBitCast(function, to: SetCallback.self)(handle, option, callback)
    }

    static func info(_ handle: Handle, _ item: CURLINFO) -> Int {
        guard let function = UnsafeRawPointer(bitPattern: getinfoAddress) else { return 0 }
        var value = 0
        let code = unsafeBitCast(function, to: GetLong.self)(handle, item, &value)
        return code == CURLE_OK ? value : 0
    }
}
