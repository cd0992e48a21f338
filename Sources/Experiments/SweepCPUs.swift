#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The CPUs this process may use, for the default number of sweep jobs: the smaller of the CPUs in
/// its affinity mask (`taskset`, cpusets, a Slurm step's binding) and `SLURM_CPUS_PER_TASK`, the
/// CPUs a Slurm job was given. Falls back to the machine's active processors.
public enum SweepCPUs {
    /// Where the count came from, for messages.
    public struct Count: Sendable, Equatable {
        public var cpus: Int
        public var source: String
    }

    /// The CPUs this process may use now.
    public static func available() -> Count {
        resolve(affinity: affinityCount(), slurmCPUsPerTask: ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"],
                machine: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The rule, separate from the system so that tests can give it any inputs: the smaller of the
    /// affinity mask's CPUs and a valid `SLURM_CPUS_PER_TASK`; the machine's count when neither is known.
    public static func resolve(affinity: Int?, slurmCPUsPerTask: String?, machine: Int) -> Count {
        var best = Count(cpus: max(machine, 1), source: "cores")
        if let affinity, affinity >= 1 { best = Count(cpus: affinity, source: "CPU affinity") }
        if let text = slurmCPUsPerTask?.trimmingCharacters(in: .whitespaces), let slurm = Int(text), slurm >= 1, slurm < best.cpus {
            best = Count(cpus: slurm, source: "SLURM_CPUS_PER_TASK")
        }
        return best
    }

    /// CPUs in this process's affinity mask (`sched_getaffinity`), or nil where unknown.
    public static func affinityCount() -> Int? {
        #if os(Linux)
        // Glibc declares sched_getaffinity only under _GNU_SOURCE, which Swift's Glibc module is
        // not built with: look the C function up in the C library the process already links.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sched_getaffinity") else { return nil }
        let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
        var mask = [UInt8](repeating: 0, count: 1024)   // 8,192 CPUs
        let status = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress) }
        guard status == 0 else { return nil }
        let bits = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return bits > 0 ? bits : nil
        #else
        return nil
        #endif
    }
}
