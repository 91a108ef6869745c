/// The release both executables report (`--version`) and the health document carries.
package enum ServiceVersion {
    package static let current = "1.5.0"
}
