// File descriptors, paths, open options and error numbers are swift-system's; this layer adds
// only what it lacks (see FileDescriptor.swift), so every module that imports SystemCalls sees
// them as its own.
@_exported import SystemPackage

// The one place that names the platform's C library. Every module that makes system calls
// imports SystemCalls instead of repeating this block.
#if canImport(Glibc)
    @_exported @preconcurrency import Glibc
#elseif canImport(Musl)
    @_exported @preconcurrency import Musl
#elseif canImport(Darwin)
    @_exported import Darwin
#endif
