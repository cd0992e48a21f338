import Foundation

/// What a method did period by period on one environment, over the held-out seeds (from the
/// `metric`, `learning_rate`, `batch_size` and `retrain` curves of `curves.csv`).
struct PeriodProfile {
    struct Period {
        var period: Int
        var metric: Double
        /// Geometric mean, smallest and largest over the seeds.
        var learningRate: (mean: Double, min: Double, max: Double)
        var batchSize: (mean: Double, min: Double, max: Double)
        /// Share of seeds that fine-tuned / fully retrained before the period.
        var fineTune: Double
        var fullRetrain: Double
    }

    var method: String
    var seeds: Int
    var periods: [Period]

    /// The profile of `method` on `environment`, nil without per-period curves.
    init?(_ curves: [CurveRow], environment: String, method: String) {
        var metric: [Int: [Double]] = [:], lr: [Int: [Double]] = [:], batch: [Int: [Double]] = [:], retrain: [Int: [Double]] = [:]
        var seeds = Set<UInt64>()
        for r in curves where r.environment == environment && r.method == method {
            switch r.curve {
            case "metric": metric[r.step, default: []].append(r.value); if let s = r.seed { seeds.insert(s) }
            case "learning_rate": lr[r.step, default: []].append(r.value)
            case "batch_size": batch[r.step, default: []].append(r.value)
            case "retrain": retrain[r.step, default: []].append(r.value)
            default: break
            }
        }
        guard !metric.isEmpty else { return nil }
        self.method = method
        self.seeds = seeds.count
        periods = metric.keys.sorted().map { p in
            let n = Double(max(retrain[p]?.count ?? 0, 1))
            return Period(period: p, metric: Statistics.mean(metric[p]!), learningRate: Self.spread(lr[p] ?? []),
                          batchSize: Self.spread(batch[p] ?? []),
                          fineTune: Double(retrain[p]?.filter { $0 == 1 }.count ?? 0) / n,
                          fullRetrain: Double(retrain[p]?.filter { $0 == 2 }.count ?? 0) / n)
        }
    }

    /// Geometric mean, min and max of positive values (rates and sizes are chosen on log grids).
    static func spread(_ xs: [Double]) -> (mean: Double, min: Double, max: Double) {
        let pos = xs.filter { $0 > 0 && $0.isFinite }
        guard let lo = pos.min(), let hi = pos.max() else { return (.nan, .nan, .nan) }
        return (exp(Statistics.mean(pos.map { log($0) })), lo, hi)
    }

    /// The metric per period as a chart series.
    /// `retrainDots`: a dot per period with retrains, sized by the share of seeds.
    func metricSeries(dashed: Bool = false, retrainDots: Bool = true) -> SVGChart.Series {
        SVGChart.Series(name: method, color: MethodColor.of(method), points: periods.map { (Double($0.period), $0.metric) },
                        marks: retrainDots ? periods.filter { $0.fineTune + $0.fullRetrain > 0 }
                            .map { (Double($0.period), $0.fineTune + $0.fullRetrain) } : [],
                        dashed: dashed)
    }
}
