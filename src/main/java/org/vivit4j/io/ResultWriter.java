package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vivit4j.api.BatchQuantities;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.Problem;
import org.vivit4j.api.RunInfo;
import org.vivit4j.api.SpectrumInfo;

/**
 * Writes a {@link ComputationResult} as a result file ({@code schema_version} 1, see {@code
 * docs/SCHEMA.md}). The layout of each group follows the golden files' {@code outputs.groups}.
 * Doubles are written as decimals that read back to the same doubles, bit for bit (Jackson's
 * Schubfach writer, long lists formatted on every core: {@link LongTextArrays}); with {@link
 * ArrayEncoding#BASE64} the float arrays are written as the schema's base64 objects instead (exact
 * by construction, and cheaper to write: see {@link ArrayEncoding}).
 *
 * <p>Writing is atomic ({@link OutputFile}): the JSON goes to a temporary file in the target's
 * directory, which is then moved over the target; on any failure the temporary file is deleted, so
 * a half-written result never exists. NaN and infinities never leave the library: a result
 * containing one is rejected with an {@link IllegalStateException} naming the field before anything
 * is written.
 */
public final class ResultWriter {
  private ResultWriter() {}

  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * Writes {@code result} of {@code problem}; see {@link #write(OutputFile, String, String, List,
   * ComputationResult)}. The problem's {@link Problem#readWarnings() read warnings} come first in
   * {@code notes}, so that the result records what its file said that was not used.
   */
  public static void write(
      OutputFile target, Problem problem, List<String> commandLine, ComputationResult result)
      throws IOException {
    write(target, problem, commandLine, result, ArrayEncoding.TEXT);
  }

  /**
   * As {@link #write(OutputFile, Problem, List, ComputationResult)}, with the float arrays in
   * {@code encoding}.
   */
  public static void write(
      OutputFile target,
      Problem problem,
      List<String> commandLine,
      ComputationResult result,
      ArrayEncoding encoding)
      throws IOException {
    List<String> outputs =
        problem.outputs() == null
            ? null
            : problem.outputs().stream().map(GgnOutput::fileName).toList();
    writeChecked(
        target,
        problem.name(),
        problem.computationClass(),
        outputs,
        commandLine,
        withNotesFirst(problem.readWarnings(), result),
        encoding);
  }

  /** As {@link #write(OutputFile, Problem, List, ComputationResult)} to a path. */
  public static void write(
      Path target, Problem problem, List<String> commandLine, ComputationResult result)
      throws IOException {
    write(OutputFile.check("output file", target), problem, commandLine, result);
  }

  private static ComputationResult withNotesFirst(List<String> first, ComputationResult result) {
    if (first.isEmpty()) {
      return result;
    }
    RunInfo run = result.runInfo();
    List<String> notes = new ArrayList<>(first);
    notes.addAll(run.notes());
    return new ComputationResult(
        result.batch(),
        result.groups(),
        new RunInfo(run.backend(), run.device(), run.dtype(), run.seconds(), notes),
        result.warnings());
  }

  /**
   * Writes a result file to {@code target} after {@link OutputFile#check(String, Path)} (the
   * message names it {@code output file}).
   */
  public static void write(
      Path target,
      String problemName,
      String computation,
      List<String> commandLine,
      ComputationResult result)
      throws IOException {
    write(OutputFile.check("output file", target), problemName, computation, commandLine, result);
  }

  /**
   * Writes a result file atomically ({@link OutputFile#write}).
   *
   * @param target the checked file to create or replace
   * @param problemName the problem's {@code name}
   * @param computation the computation's short class name, e.g. {@code directional_derivatives}
   * @param commandLine the exact command-line arguments of the run, in order
   * @param result what the computation produced
   * @throws IllegalStateException when {@code result} contains NaN or an infinity (nothing is
   *     written)
   * @throws OutputWriteException when writing or moving fails (the target is left as it was)
   */
  public static void write(
      OutputFile target,
      String problemName,
      String computation,
      List<String> commandLine,
      ComputationResult result)
      throws IOException {
    write(target, problemName, computation, commandLine, result, ArrayEncoding.TEXT);
  }

  /**
   * As {@link #write(OutputFile, String, String, List, ComputationResult)}, with the float arrays
   * ({@code per_sample_losses}, {@code grad} and every float list or matrix of a group, but not the
   * signal-to-noise ratios, which may hold {@code null}) written in {@code encoding}.
   */
  public static void write(
      OutputFile target,
      String problemName,
      String computation,
      List<String> commandLine,
      ComputationResult result,
      ArrayEncoding encoding)
      throws IOException {
    writeChecked(target, problemName, computation, null, commandLine, result, encoding);
  }

  /** As above, with the problem's listed {@code outputs} (written after the class) or null. */
  private static void writeChecked(
      OutputFile target,
      String problemName,
      String computation,
      List<String> outputs,
      List<String> commandLine,
      ComputationResult result,
      ArrayEncoding encoding)
      throws IOException {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(problemName, "problemName");
    Objects.requireNonNull(computation, "computation");
    Objects.requireNonNull(commandLine, "commandLine");
    Objects.requireNonNull(result.runInfo(), "result.runInfo");
    Objects.requireNonNull(result.groups(), "result.groups");
    checkFinite(result);
    target.write(
        out -> writeJson(out, problemName, computation, outputs, commandLine, result, encoding));
  }

  /**
   * @param outputs the problem's listed outputs ({@code computation.outputs}), or null
   */
  private static void writeJson(
      OutputStream out,
      String problemName,
      String computation,
      List<String> outputs,
      List<String> commandLine,
      ComputationResult result,
      ArrayEncoding encoding)
      throws IOException {
    JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator g = new EncodedArrays.Generator(json, encoding)) {
      RunInfo run = result.runInfo();
      g.writeStartObject();
      g.writeNumberField("schema_version", 1);
      g.writeStringField("name", problemName);
      g.writeArrayFieldStart("command_line");
      for (String arg : commandLine) {
        g.writeString(arg);
      }
      g.writeEndArray();
      g.writeStringField("computation", computation);
      if (outputs != null) {
        writeStrings(g, "outputs", outputs);
      }
      g.writeStringField("backend", run.backend());
      g.writeStringField("device", run.device());
      g.writeStringField("dtype", run.dtype());
      g.writeNumberField("seconds", run.seconds());
      if (!run.notes().isEmpty()) {
        writeStrings(g, "notes", run.notes());
      }
      BatchQuantities batch = result.batch();
      if (batch != null) {
        g.writeNumberField("loss", batch.loss());
        writeDoubles(g, "per_sample_losses", batch.perSampleLosses());
        writeDoubles(g, "grad", batch.grad());
      }
      writeStrings(g, "warnings", result.warnings());
      g.writeArrayFieldStart("groups");
      for (int j = 0; j < result.groups().size(); j++) {
        writeGroup(g, j, result.groups().get(j));
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void writeGroup(JsonGenerator g, int index, GroupResult r) throws IOException {
    g.writeStartObject();
    g.writeNumberField("group", index);
    g.writeStringField("name", r.group().name());
    int[] params = r.group().params();
    g.writeFieldName("params");
    g.writeArray(params, 0, params.length);
    if (r.group().paramNames() != null) {
      writeStrings(g, "param_names", r.group().paramNames());
    }
    writeCriterion(g, r.group().criterion());
    g.writeNumberField("dim", r.dim());
    writeDoubles(g, "gram_evals", r.gramEvals());
    g.writeFieldName("selected_indices");
    g.writeArray(r.selectedIndices(), 0, r.selectedIndices().length);
    writeDoubles(g, "evals", r.evals());
    writeMatrix(g, "gammas", r.gammas());
    writeMatrix(g, "lambdas", r.lambdas());
    writeMatrix(g, "evecs", r.evecs());
    if (!Double.isNaN(r.ggnTrace())) {
      g.writeNumberField("ggn_trace", r.ggnTrace());
      g.writeNumberField("ggn_frobenius_norm", r.ggnFrobeniusNorm());
    }
    writeRatios(g, "gamma_snr", r.gammaSnr());
    writeRatios(g, "lambda_snr", r.lambdaSnr());
    if (r.dampings() != null) {
      writeDoubles(g, "dampings", r.dampings());
    }
    if (r.newtonStep() != null) {
      writeDoubles(g, "newton_step", r.newtonStep());
    }
    writeStrings(g, "warnings", r.warnings());
    SpectrumInfo spectrum = r.spectrum();
    if (spectrum != null) {
      g.writeNumberField("gram_size", spectrum.size());
      g.writeNumberField("gram_evals_offset", spectrum.offset());
      g.writeObjectFieldStart("eigensolver");
      g.writeStringField("name", spectrum.eigensolver());
      g.writeNumberField("residual", spectrum.residual());
      g.writeNumberField("products", spectrum.products());
      g.writeNumberField("seconds", spectrum.seconds());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeCriterion(JsonGenerator g, Criterion c) throws IOException {
    g.writeObjectFieldStart("criterion");
    if (c instanceof Criterion.TopK t) {
      g.writeStringField("type", "top_k");
      g.writeNumberField("k", t.k());
    } else if (c instanceof Criterion.Threshold t) {
      g.writeStringField("type", "threshold");
      g.writeNumberField("threshold", t.threshold());
    } else {
      // A criterion given as code has no data form; say so instead of inventing one.
      g.writeStringField("type", "custom");
    }
    g.writeEndObject();
  }

  private static void writeDoubles(JsonGenerator g, String name, double[] values)
      throws IOException {
    g.writeFieldName(name);
    EncodedArrays.writeDoubles(g, values);
  }

  /**
   * Writes signal-to-noise ratios; an entry that is not finite (zero variance: {@code +∞}, or
   * {@code 0/0}) is written as {@code null}, a {@code null} array is omitted.
   */
  private static void writeRatios(JsonGenerator g, String name, double[] values)
      throws IOException {
    if (values == null) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (double v : values) {
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
    g.writeEndArray();
  }

  /** Writes a row-major matrix; a {@code null} matrix is omitted. */
  private static void writeMatrix(JsonGenerator g, String name, double[][] rows)
      throws IOException {
    if (rows == null) {
      return;
    }
    g.writeFieldName(name);
    EncodedArrays.writeMatrix(g, rows);
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    if (values != null) {
      for (String v : values) {
        g.writeString(v);
      }
    }
    g.writeEndArray();
  }

  /**
   * Checks that every double of {@code result} is finite.
   *
   * @throws IllegalStateException naming the first non-finite value, e.g. {@code
   *     groups[0].gammas[1][2]}
   */
  static void checkFinite(ComputationResult result) {
    check(result.runInfo().seconds(), "seconds");
    BatchQuantities b = result.batch();
    if (b != null) {
      check(b.loss(), "loss");
      check(b.perSampleLosses(), "per_sample_losses");
      check(b.grad(), "grad");
    }
    for (int j = 0; j < result.groups().size(); j++) {
      GroupResult r = result.groups().get(j);
      String p = "groups[" + j + "].";
      if (r.group().criterion() instanceof Criterion.Threshold t) {
        check(t.threshold(), p + "criterion.threshold");
      }
      check(r.gramEvals(), p + "gram_evals");
      check(r.evals(), p + "evals");
      check(r.gammas(), p + "gammas");
      check(r.lambdas(), p + "lambdas");
      check(r.evecs(), p + "evecs");
      if (!Double.isNaN(r.ggnTrace())) {
        check(r.ggnTrace(), p + "ggn_trace");
        check(r.ggnFrobeniusNorm(), p + "ggn_frobenius_norm");
      }
      if (r.dampings() != null) {
        check(r.dampings(), p + "dampings");
      }
      if (r.newtonStep() != null) {
        check(r.newtonStep(), p + "newton_step");
      }
    }
  }

  private static void check(double v, String field) {
    if (!Double.isFinite(v)) {
      throw new IllegalStateException(
          field + " is " + v + "; results must be finite, refusing to write them");
    }
  }

  private static void check(double[] values, String field) {
    for (int i = 0; i < values.length; i++) {
      // the element's name is built only for a bad value: millions of names cost a second
      if (!Double.isFinite(values[i])) {
        check(values[i], field + "[" + i + "]");
      }
    }
  }

  private static void check(double[][] rows, String field) {
    if (rows != null) {
      for (int i = 0; i < rows.length; i++) {
        check(rows[i], field + "[" + i + "]");
      }
    }
  }
}
