/// A figure with `decimals` digits after the point, without Foundation's formatting.
func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    guard decimals > 0 else { return String(whole) }
    let fraction = String(abs(scaled) % Int64(scale))
    return "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
}

/// `text` padded with spaces to a column of `width`.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
