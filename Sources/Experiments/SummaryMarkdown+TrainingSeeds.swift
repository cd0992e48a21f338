extension SummaryMarkdown {
    /// "## Over training seeds": per environment each agent seed's mean, the mean and IQM over
    /// every run, the probability of improvement over every other method and the performance
    /// profile at fixed quantiles; then the probability of improvement averaged over environments.
    /// Nil unless the agent has several training seeds.
    static func trainingSeedSection(_ set: ResultSet) -> String? {
        let summaries = set.environments.compactMap { SummaryStatistics.trainingSeeds(set, env: $0) }
        guard !summaries.isEmpty else { return nil }
        let pct = Int((set.statistics.confidence * 100).rounded())
        var out = "\n## Over training seeds\n\n"
        out += "The agent was trained with several seeds; every trained agent ran on every held-out seed. "
        out += "Intervals (\(pct)%) are two-level bootstrap: held-out seeds resampled once per resample for all methods "
        out += "(comparisons stay paired), training seeds resampled within the agent (rliable's stratified bootstrap). "
        out += "P(agent > X): the chance that the agent, trained with a random seed, beats X on a random held-out seed "
        out += "(ties count one half; 0.5 = neither ahead). Profile: share of episodes whose reward exceeds τ, "
        out += "τ at quantiles of every episode on the environment.\n"
        for s in summaries {
            out += "\n### \(s.environment)\n\n"
            out += "\(s.trainingSeeds) training seeds × \(s.heldOutSeeds) held-out seeds. Episode reward over every run: "
            out += "mean \(interval(s.mean)), IQM \(interval(s.interquartileMean)).\n\n"
            out += "| training seed | " + s.perTrainingSeed.indices.map { "\($0 + 1)" }.joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: s.perTrainingSeed.count) + "\n"
            out += "| mean reward [CI over held-out seeds] | " + s.perTrainingSeed.map(interval).joined(separator: " | ") + " |\n\n"
            out += "| X | P(agent > X) [\(pct)% CI] |\n|---|---:|\n"
            for i in s.improvements {
                out += "| \(i.isReference ? "\(i.baseline) (reference)" : i.baseline) | \(probability(i.probability)) |\n"
            }
            out += "\n| method | " + zip(SummaryStatistics.profileQuantiles, s.thresholds)
                .map { "τ = \(format($1)) (q\(Int(($0 * 100).rounded())))" }.joined(separator: " | ") + " |\n"
            out += "|---|" + String(repeating: "---:|", count: s.thresholds.count) + "\n"
            for p in s.profiles {
                out += "| \(p.method) | " + p.shares.map { String(format: "%.2f", $0) }.joined(separator: " | ") + " |\n"
            }
        }
        let overall = SummaryStatistics.overallImprovement(set, summaries)
        if !overall.isEmpty {
            out += "\n### All environments\n\nP(agent > X) averaged over environments (stratified two-level bootstrap, environments as strata):\n\n"
            out += "| X | P(agent > X) [\(pct)% CI] |\n|---|---:|\n"
            for o in overall {
                out += "| \(o.isReference ? "\(o.baseline) (reference)" : o.baseline) | \(probability(o.probability)) |\n"
            }
        }
        return out
    }

    /// `training-seeds.csv`: the numbers of the section above, tidy (environment `all` for the
    /// averages over environments); nil unless the agent has several training seeds.
    static func trainingSeedCSV(_ set: ResultSet) -> String? {
        let summaries = set.environments.compactMap { SummaryStatistics.trainingSeeds(set, env: $0) }
        guard !summaries.isEmpty else { return nil }
        var out = "scenario,environment,statistic,against,estimate,lower,upper\n"
        func row(_ env: String, _ statistic: String, _ against: String, _ ci: ConfidenceInterval) {
            out += CSV.line([set.scenario, env, statistic, against, "\(ci.estimate)", "\(ci.lower)", "\(ci.upper)"]) + "\n"
        }
        for s in summaries {
            for (k, ci) in s.perTrainingSeed.enumerated() { row(s.environment, "mean_training_seed_\(k + 1)", "", ci) }
            row(s.environment, "mean", "", s.mean)
            row(s.environment, "iqm", "", s.interquartileMean)
            for i in s.improvements { row(s.environment, "probability_of_improvement", i.baseline, i.probability) }
            for p in s.profiles {
                for (t, share) in zip(s.thresholds, p.shares) {
                    row(s.environment, "profile_above:\(t)", p.method, ConfidenceInterval(estimate: share, lower: share, upper: share))
                }
            }
        }
        for o in SummaryStatistics.overallImprovement(set, summaries) { row("all", "probability_of_improvement", o.baseline, o.probability) }
        return out
    }

    static func interval(_ ci: ConfidenceInterval) -> String {
        "\(format(ci.estimate)) [\(format(ci.lower)), \(format(ci.upper))]"
    }

    static func probability(_ ci: ConfidenceInterval) -> String {
        String(format: "%.2f [%.2f, %.2f]", ci.estimate, ci.lower, ci.upper)
    }
}
