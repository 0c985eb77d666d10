package org.vivit4j.opencl;

import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/** Compiling OpenCL C programs for one device and reading their logs and binaries. */
final class OpenClPrograms {
  private OpenClPrograms() {}

  /**
   * Creates and builds a program from source.
   *
   * @throws OpenClBuildException with the device's build log when compilation fails
   */
  static cl_program build(
      cl_context context, cl_device_id device, String name, String source, String options) {
    cl_program program =
        CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
    try {
      CL.clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
    } catch (CLException e) {
      String log = buildLog(program, device);
      CL.clReleaseProgram(program);
      throw new OpenClBuildException(name, log, e);
    }
    return program;
  }

  /** The device's build log (warnings as well as errors). */
  static String buildLog(cl_program program, cl_device_id device) {
    long[] size = new long[1];
    CL.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    CL.clGetProgramBuildInfo(
        program, device, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
    return OpenClDevices.cString(bytes);
  }

  /**
   * The program's binary for its single device ({@code CL_PROGRAM_BINARIES}): PTX text on NVIDIA,
   * an implementation-specific container elsewhere (PoCL: LLVM bitcode).
   */
  static byte[] binary(cl_program program) {
    long[] sizes = new long[1];
    CL.clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
    byte[] bytes = new byte[(int) sizes[0]];
    Pointer target = Pointer.to(bytes);
    CL.clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(target), null);
    return bytes;
  }
}
