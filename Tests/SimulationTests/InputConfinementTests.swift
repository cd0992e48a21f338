import Foundation
import Simulation
import Testing

@Test func plainNamesAreLettersDigitsDashUnderscoreAndInnerDots() {
    for ok in ["network-diagnosis", "intent_recognition", "v1.2", "A9"] { #expect(InputConfinement.isPlainName(ok), "\(ok)") }
    for bad in ["", "../x", "a/b", ".hidden", "..", "a b", "x\u{1B}[31m", "é", "a\\b", String(repeating: "a", count: 101)] {
        #expect(!InputConfinement.isPlainName(bad), "\(bad)")
    }
    #expect(throws: InputConfinementError.self) { try EnvironmentCatalog(directory: "/nonexistent-drifttune").path(ofName: "../../etc/x") }
}
