/// The release both executables report (`--version`) and the health document carries.
public enum ServiceVersion {
    public static let current = "1.5.0"
}
