import SafeFiles
import Testing

@Test func inputExcerptsAreShortAndPrintable() {
    #expect(inputExcerpt("a\u{1B}[31m\nb") == "a\\u{1B}[31m\\nb")
    let long = String(repeating: "x,", count: 1_000_000)
    let e = inputExcerpt(long)
    #expect(e.count < 120 && e.hasSuffix("… (2000000 characters)"))
}
