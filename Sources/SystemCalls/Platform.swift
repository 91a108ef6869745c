// The one place that names the platform's C library. Every module that makes system calls
// imports SystemCalls instead of repeating this block.
#if canImport(Glibc)
    @_exported @preconcurrency import Glibc
#elseif canImport(Musl)
    @_exported @preconcurrency import Musl
#elseif canImport(Darwin)
    @_exported import Darwin
#endif
