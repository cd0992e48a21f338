import Foundation

extension Monitor {
    /// The task metric of `rows` predictions (`rows × classes` probabilities) against labels.
    public static func metric(_ kind: TaskMetric, probabilities p: UnsafePointer<Float>, labels y: UnsafePointer<Int32>,
                              rows: Int, classes k: Int) -> Double {
        guard rows > 0 else { return 0 }
        switch kind {
        case .accuracy:
            var correct = 0
            if k == 2 {  // argmax of two, branch-free: class 1 only when strictly more probable
                for i in 0..<rows { correct += (p[2 * i + 1] > p[2 * i] ? 1 : 0) == y[i] ? 1 : 0 }
            } else {
                for i in 0..<rows where argmax(p + i * k, k) == Int(y[i]) { correct += 1 }
            }
            return Double(correct) / Double(rows)
        case .macroF1:
            var tp = [Double](repeating: 0, count: k), fp = tp, fn = tp
            for i in 0..<rows {
                let pred = argmax(p + i * k, k), t = Int(y[i])
                if pred == t { tp[t] += 1 } else { fp[pred] += 1; fn[t] += 1 }
            }
            // Mean over classes present in labels or predictions.
            var sum = 0.0, present = 0
            for c in 0..<k where tp[c] + fp[c] + fn[c] > 0 {
                sum += 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c])
                present += 1
            }
            return present > 0 ? sum / Double(present) : 0
        case .auc:
            // Rank-sum (Mann–Whitney) AUC of the positive-class score, ties counted half.
            var order = Array(0..<rows)
            order.sort { p[$0 * k + 1] < p[$1 * k + 1] }
            var rankSumPos = 0.0, positives = 0.0
            var i = 0
            while i < rows {
                var j = i
                while j + 1 < rows && p[order[j + 1] * k + 1] == p[order[i] * k + 1] { j += 1 }
                let rank = Double(i + j) / 2 + 1
                for t in i...j where y[order[t]] == 1 { rankSumPos += rank; positives += 1 }
                i = j + 1
            }
            let negatives = Double(rows) - positives
            guard positives > 0, negatives > 0 else { return 0.5 }
            return (rankSumPos - positives * (positives + 1) / 2) / (positives * negatives)
        }
    }

    @inline(__always)
    static func argmax(_ p: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        for c in 1..<max(k, 1) where p[c] > p[best] { best = c }
        return best
    }
}
