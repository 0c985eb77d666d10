package org.vivit4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.FactorReuse;
import org.vivit4j.api.GgnComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.GramLayout;
import org.vivit4j.io.ArrayEncoding;
import org.vivit4j.io.InputFile;
import org.vivit4j.io.OutputFile;
import org.vivit4j.io.PathText;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.io.ResultWriter;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tornado-run solve}: a problem file in, a result file out (docs/SCHEMA.md). */
@Command(
    name = "solve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the computation a problem file asks for (directional_derivatives, eigvalsh, eigh,",
      "damped_newton, or a list of outputs from one factor pass; exact or Monte-Carlo GGN)",
      "and writes the result JSON atomically. Bad input: one line naming the field, exit 2,",
      "no output file."
    })
final class SolveCommand implements Callable<Integer> {
  @Option(names = "--problem", required = true, description = "problem JSON (golden schema)")
  Path problemFile;

  @Option(
      names = "--out",
      description =
          "result JSON to write: a new path or a writable regular file, not the problem file"
              + " (devices, directories and symbolic links are refused); required unless --plan")
  Path outFile;

  @Option(
      names = "--plan",
      description =
          "print the run's plan and stop, computing nothing and writing no --out: the Gram's size"
              + " and storage, the factor pass's chunks and passes, the estimated peak heap against"
              + " the heap limit with its largest terms, and the largest batch this heap admits;"
              + " exit 0 when the run fits the heap, 2 when not")
  boolean plan;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Option(
      names = "--conv-gram",
      defaultValue = "auto",
      description =
          "How Conv2d weight Grams are contracted: auto (the cheaper that fits), structured"
              + " (never forms V), explicit (V in sample blocks). Default: ${DEFAULT-VALUE}")
  String convGram;

  @Option(
      names = "--conv-gram-memory",
      description =
          "Largest number of matrix entries a Conv2d Gram contraction may hold at once"
              + " (default: an eighth of the heap limit in float64 entries, at least 2^26 and"
              + " at most 2^28); sample blocks are sized to it")
  Long convGramMemory;

  /** The Conv2d Gram policy of the options. */
  ConvGramPolicy convGramPolicy() {
    ConvGramPolicy.Mode mode = ConvGramPolicy.Mode.fromTypeName(convGram);
    if (mode == null) {
      throw new InvalidInputException(
          "--conv-gram", "unknown strategy '" + convGram + "' (auto, structured, explicit)");
    }
    long memory =
        convGramMemory == null ? ConvGramPolicy.defaults().memoryElements() : convGramMemory;
    if (memory < 1) {
      throw new InvalidInputException("--conv-gram-memory", "must be at least 1, got " + memory);
    }
    // a budget the user gave is a limit: refused up front when even one-sample blocks exceed it
    ConvGramPolicy policy = new ConvGramPolicy(mode, memory);
    return convGramMemory == null ? policy : policy.asHardLimit();
  }

  @Option(
      names = "--verbose",
      description = "print the OpenCL program build time and per-kernel device times")
  boolean verbose;

  @Mixin EigenSolverOption eigenSolverOption = new EigenSolverOption();

  @Option(
      names = "--factor-reuse",
      defaultValue = "auto",
      description =
          "V·w (eigenvectors, signs of γ, Newton steps) from the factors kept from the Gram pass"
              + " (keep), by backpropagating again (rerun), or keep when the memory estimate fits"
              + " the heap (auto). Default: ${DEFAULT-VALUE}")
  String factorReuse;

  /** The {@code --factor-reuse} choice. */
  FactorReuse factorReuse() {
    FactorReuse r = FactorReuse.fromOptionName(factorReuse);
    if (r == null) {
      throw new InvalidInputException(
          "--factor-reuse", "unknown choice '" + factorReuse + "' (auto, keep, rerun)");
    }
    return r;
  }

  @Option(
      names = "--factor-memory",
      description =
          "Memory budget of the factor pass, in bytes (suffix k, m or g for KiB, MiB, GiB): when"
              + " the pass over all GGN samples at once would need more, it runs in sample chunks"
              + " sized to the budget (more passes, the same numbers). Default: 80%% of the heap"
              + " limit less what the run holds throughout")
  String factorMemory;

  @Option(
      names = "--factor-chunk",
      description =
          "GGN samples per chunk of the factor pass, whatever the budget (at least 1; a chunk of"
              + " half the samples or more is the plain pass)")
  Integer factorChunk;

  @Option(
      names = "--gram-storage",
      defaultValue = "auto",
      description =
          "How each group's Gram is held: dense (one array, up to C·N = 46340 rows), packed (its"
              + " lower triangle in blocks, float32 with --dtype float32, assembled from chunk"
              + " pairs) or auto (packed when dense does not fit). Default: ${DEFAULT-VALUE}")
  String gramStorage;

  /** The {@code --gram-storage} choice. */
  GramLayout.Storage gramStorage() {
    GramLayout.Storage s = GramLayout.Storage.fromOptionName(gramStorage);
    if (s == null) {
      throw new InvalidInputException(
          "--gram-storage", "unknown choice '" + gramStorage + "' (auto, dense, packed)");
    }
    return s;
  }

  /**
   * Applies {@code --factor-memory} and {@code --factor-chunk} (checked in {@link #call}) to {@code
   * computation}.
   */
  GgnComputation withFactorChunking(GgnComputation computation) {
    if (factorMemory != null) {
      computation.withFactorMemory(parseBytes("--factor-memory", factorMemory));
    }
    if (factorChunk != null) {
      computation.withFactorChunk(factorChunk);
    }
    return computation;
  }

  /**
   * A positive byte count: digits, optionally followed by the suffix k, m or g (either case; powers
   * of 1024). Nothing else is read as part of it: a sign, a space, a decimal point or an exponent
   * makes the text not a byte count (a {@code +} or a space would otherwise pass {@code
   * Long.parseLong} or {@code trim} unnoticed, and the same value could be written several ways).
   *
   * @throws InvalidInputException naming {@code flag}: not a byte count, or below 1 or above {@code
   *     Long.MAX_VALUE} bytes
   */
  static long parseBytes(String flag, String text) {
    java.util.regex.Matcher m = BYTE_COUNT.matcher(text);
    if (!m.matches()) {
      throw new InvalidInputException(
          flag, "is not a byte count: '" + text + "' (digits and k, m or g: 1073741824, 512m, 2g)");
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          default -> 1;
        };
    long value;
    try {
      value = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) { // digits beyond a long
      throw outOfRange(flag, text);
    }
    if (value < 1 || value > Long.MAX_VALUE / unit) {
      throw outOfRange(flag, text);
    }
    return value * unit;
  }

  private static InvalidInputException outOfRange(String flag, String text) {
    return new InvalidInputException(flag, "must be between 1 byte and 8 EiB, got '" + text + "'");
  }

  /** Digits and an optional unit: the whole text of a byte count. */
  private static final java.util.regex.Pattern BYTE_COUNT =
      java.util.regex.Pattern.compile("([0-9]+)([kKmMgG]?)");

  @Option(
      names = "--encode",
      defaultValue = "text",
      description =
          "How the result's float arrays are written: text (JSON lists of decimals that read"
              + " back to the same doubles) or base64 (the schema's encoded float64 arrays: exact, about half the"
              + " size and much faster to write). Default: ${DEFAULT-VALUE}")
  String encode;

  /** The {@code --encode} choice. */
  ArrayEncoding arrayEncoding() {
    ArrayEncoding e = ArrayEncoding.fromOptionName(encode);
    if (e == null) {
      throw new InvalidInputException(
          "--encode", "unknown encoding '" + encode + "' (text, base64)");
    }
    return e;
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter out = spec.commandLine().getOut();
    java.io.PrintWriter err = spec.commandLine().getErr();
    ConvGramPolicy policy = convGramPolicy();
    FactorReuse reuse = factorReuse();
    ArrayEncoding encoding = arrayEncoding();
    GramLayout.Storage storage = gramStorage();
    if (factorMemory != null) {
      parseBytes("--factor-memory", factorMemory);
    }
    if (factorChunk != null && factorChunk < 1) {
      throw new InvalidInputException(
          "--factor-chunk", "must be at least 1 sample, got " + factorChunk);
    }
    if (factorChunk != null && reuse == FactorReuse.KEEP) {
      // a chunked pass discards each chunk's factors: there is nothing to keep for V·w
      throw new InvalidInputException(
          "--factor-reuse",
          "keep needs the plain factor pass, but --factor-chunk asks for chunks; drop one of them");
    }
    if (outFile == null && !plan) {
      throw new InvalidInputException("--out", "is required: the result file to write (or --plan)");
    }
    // Both files are checked before anything is read or computed: a bad --out must not cost a run.
    InputFile.check("--problem", problemFile);
    OutputFile target =
        outFile == null ? null : OutputFile.check("--out", outFile, "--problem", problemFile);
    long readStart = System.nanoTime();
    String text = InputFile.readText("--problem", problemFile);
    Path problemDir = problemFile.toAbsolutePath().getParent();
    Path modelFile = ProblemReader.referencedModelFile(text, problemDir);
    if (modelFile != null && outFile != null) {
      // the result must not replace the model the problem reads (checked before any work)
      OutputFile.check("--out", outFile, "the problem's model.path", modelFile);
    }
    Problem problem0;
    try {
      problem0 = ProblemReader.parse(text, problemDir);
    } catch (InvalidInputException e) {
      if (!ProblemReader.JSON_FIELD.equals(e.field())) {
        throw e; // a field's JSON path names the place well enough
      }
      // the text itself is broken: name the flag and the file rather than the placeholder field
      String problem = e.getMessage().substring(e.field().length() + 2);
      throw new InvalidInputException("--problem", PathText.of(problemFile) + ": " + problem);
    }
    Problem problem = problem0.withOptions(eigenSolverOption.apply(problem0.options()));
    double readSeconds = (System.nanoTime() - readStart) * 1e-9;
    InterruptedNotice notice =
        new InterruptedNotice(
            err,
            outFile == null
                ? "solve: stopped by a signal before finishing"
                : "solve: stopped by a signal before finishing; "
                    + outFile
                    + " was not written (an existing file there is unchanged)");
    try (notice;
        Backend backend = backendOptions.create();
        MemoryReport memory = new MemoryReport()) {
      GgnComputation computation =
          withFactorChunking(
              problem
                  .computation()
                  .withConvGramPolicy(policy)
                  .withFactorReuse(reuse)
                  .withGramStorage(storage)
                  .reportPassesTo(new ProgressLines(err)));
      if (plan) {
        return RunPlan.print(out, problem, computation, backend) ? 0 : Main.EXIT_BAD_INPUT;
      }
      ComputationResult result =
          computation.run(
              problem.network(), problem.loss(), problem.batch(), problem.groups(), backend);
      long writeStart = System.nanoTime();
      ResultWriter.write(target, problem, CommandLineText.current(spec), result, encoding);
      double writeSeconds = (System.nanoTime() - writeStart) * 1e-9;
      // Printed only after a successful run: a failing run keeps its one-line error.
      problem.readWarnings().forEach(w -> err.println("warning: " + TerminalText.escape(w)));
      result.warnings().forEach(w -> err.println("warning: " + TerminalText.escape(w)));
      out.printf(
          Locale.ROOT,
          "%s: %s on %s (%s, %s), %.1f ms%n",
          TerminalText.escape(problem.name()),
          problem.outputs() == null
              ? problem.computationClass()
              : problem.outputs().stream()
                  .map(org.vivit4j.api.GgnOutput::fileName)
                  .collect(java.util.stream.Collectors.joining(", ", "outputs [", "]")),
          result.runInfo().device(),
          result.runInfo().backend(),
          result.runInfo().dtype(),
          result.runInfo().seconds() * 1e3);
      for (GroupResult g : result.groups()) {
        out.printf(
            Locale.ROOT,
            "  group %s: dim %d, Gram %d, selected %d, largest Gram eigenvalue %.6e,"
                + " GGN trace %.6e%s%n",
            TerminalText.escape(g.group().name()),
            g.dim(),
            g.gramEvals().length + g.gramEvalsOffset(),
            g.evals().length,
            g.gramEvals()[g.gramEvals().length - 1],
            g.ggnTrace(),
            g.spectrum() == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    ", eigensolver %s (%d eigenvalues, residual %.1e, %.1f ms)",
                    g.spectrum().eigensolver(),
                    g.gramEvals().length,
                    g.spectrum().residual(),
                    g.spectrum().seconds() * 1e3));
      }
      result.runInfo().notes().forEach(n -> out.println("  note: " + TerminalText.escape(n)));
      out.println("  passes: " + computation.lastPassCounts().describe());
      out.printf(Locale.ROOT, "  problem file read in %.1f s%n", readSeconds);
      out.printf(Locale.ROOT, "  result file written in %.2f s%n", writeSeconds);
      out.println("  " + memory.describe());
      if (verbose) {
        KernelReport.print(backend, out);
      }
      out.println("wrote " + outFile);
      return 0;
    }
  }
}
