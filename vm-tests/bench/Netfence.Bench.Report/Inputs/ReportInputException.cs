namespace Netfence.Bench.Report.Inputs;

/// <summary>A benchmark's JSON file is missing, stale, or lacks a figure the report needs; the message names which.</summary>
internal sealed class ReportInputException(string message) : Exception(message);
