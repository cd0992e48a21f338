import DriftDetection
import Testing

@Test func registryBuildsEveryDetectorWithDefaults() throws {
    for name in DetectorRegistry.names {
        _ = try DetectorRegistry.make(name: name, parameters: [:])
        #expect(DetectorRegistry.parameters[name]?.isEmpty == false)
    }
    let adwin = try #require(try DetectorRegistry.make(name: "adwin", parameters: ["delta": "0.01"]) as? ADWIN)
    #expect(adwin.delta == 0.01 && adwin.clock == 32)
}

@Test func registryUnknownDetectorListsKnownOnes() {
    #expect(throws: DetectorConfigurationError.unknownDetector(name: "cusum", known: DetectorRegistry.names)) {
        try DetectorRegistry.make(name: "cusum", parameters: [:])
    }
    let message = DetectorConfigurationError.unknownDetector(name: "cusum", known: DetectorRegistry.names).description
    #expect(message.contains("cusum") && message.contains("page-hinkley"))
}

@Test func registryErrorsNameTheBadParameter() {
    do {
        _ = try DetectorRegistry.make(name: "adwin", parameters: ["delt": "0.1"])
        Issue.record("expected an error")
    } catch let e as DetectorConfigurationError {
        #expect(e.description.contains("'delt'") && e.description.contains("min_window_length"))
    } catch { Issue.record("wrong error \(error)") }

    for (name, key, value) in [("adwin", "clock", "zero"), ("kswin", "stat_size", "80"),
                               ("page-hinkley", "mode", "sideways"), ("eddm", "beta", "0.99")] {
        do {
            _ = try DetectorRegistry.make(name: name, parameters: [key: value])
            Issue.record("expected an error for \(name) \(key)=\(value)")
        } catch let e as DetectorConfigurationError {
            guard case let .invalidValue(_, parameter, v, _) = e else { Issue.record("\(e)"); continue }
            #expect(parameter == key && v == value)
            #expect(e.description.contains("'\(key)'") && e.description.contains("expected"))
        } catch { Issue.record("wrong error \(error)") }
    }
}
