// The C library's calls under names no Swift member shadows: inside `StandardStreams`, `read`
// and `write` name its own methods, inside `Socket` `accept` its own, and `FileSystem.rename`
// its own function.
// Calling them through these keeps module qualifiers (`Glibc.`, `Darwin.`) out of every other file.

@inline(__always)
func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

@inline(__always)
func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

@inline(__always)
package func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

@inline(__always)
func systemAccept(_ socket: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: UnsafeMutablePointer<socklen_t>?)
    -> Int32
{
    accept(socket, address, length)
}
