package org.vivit4j.opencl;

import static org.jocl.CL.CL_DEVICE_DOUBLE_FP_CONFIG;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Enumerates OpenCL platforms and devices and picks one by selector. */
final class OpenClDevices {
  /** {@code CL_PLATFORM_NOT_FOUND_KHR}: the ICD loader found no platform. */
  static final int PLATFORM_NOT_FOUND_KHR = -1001;

  static final String INSTALL_HINT =
      "install an OpenCL runtime (Debian: apt-get install pocl-opencl-icd ocl-icd-libopencl1"
          + " ocl-icd-opencl-dev, or run tornado-env/setup) or a GPU driver with OpenCL";
  static final String NO_FALLBACK =
      "the run asked for --backend opencl and will not fall back to the CPU";

  private static final Pattern INDEX = Pattern.compile("(\\d+):(\\d+)");

  private OpenClDevices() {}

  /** One device of one platform, with its indices {@code platform:device}. */
  record Device(
      int platformIndex,
      int deviceIndex,
      cl_platform_id platform,
      cl_device_id id,
      String platformName,
      String name,
      long type,
      String version) {

    /** {@code "platform / device name"}, the text a selector substring is matched against. */
    String label() {
      return platformName + " / " + name;
    }

    boolean isGpu() {
      return (type & CL_DEVICE_TYPE_GPU) != 0;
    }

    boolean isCpu() {
      return (type & CL_DEVICE_TYPE_CPU) != 0;
    }
  }

  /** Library folders searched for the ICD loader when JOCL cannot open it. */
  private static final List<String> LIBRARY_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/lib/x86_64-linux-gnu",
          "/lib/aarch64-linux-gnu",
          "/lib64",
          "/lib");

  /**
   * Explains a failure to load JOCL or the ICD loader. JOCL 2.0.5 opens {@code libOpenCL.so} on
   * Linux; Debian's ocl-icd-libopencl1 ships only {@code libOpenCL.so.1} and the unversioned link
   * comes with ocl-icd-opencl-dev, so a machine with a working {@code clinfo} can still fail here.
   * That case gets its own message.
   */
  static String libraryMissingMessage(Throwable e) {
    List<String> dirs = new ArrayList<>(LIBRARY_DIRS);
    String ldPath = System.getenv("LD_LIBRARY_PATH");
    if (ldPath != null) {
      dirs.addAll(0, List.of(ldPath.split(":")));
    }
    return libraryMissingMessage(e, dirs);
  }

  /** {@link #libraryMissingMessage(Throwable)} looking for the loader in {@code dirs}. */
  static String libraryMissingMessage(Throwable e, List<String> dirs) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String reason = root.getMessage() == null ? root.toString() : root.getMessage();
    Path versioned = null;
    boolean unversioned = false;
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      unversioned |= Files.exists(Path.of(dir, "libOpenCL.so"));
      if (versioned == null && Files.exists(Path.of(dir, "libOpenCL.so.1"))) {
        versioned = Path.of(dir, "libOpenCL.so.1");
      }
    }
    if (versioned != null && !unversioned) {
      return "OpenCL is not available to JOCL: JOCL opens libOpenCL.so, but only "
          + versioned
          + " is installed ("
          + reason
          + "); install the link with apt-get install ocl-icd-opencl-dev (or run"
          + " tornado-env/setup), or put a libOpenCL.so symlink to it on LD_LIBRARY_PATH; "
          + NO_FALLBACK;
    }
    return "OpenCL is not available: the OpenCL ICD loader (libOpenCL.so) or the JOCL natives"
        + " could not be loaded ("
        + reason
        + "); "
        + INSTALL_HINT
        + "; "
        + NO_FALLBACK;
  }

  /** Every device of every platform, in platform then device order. */
  static List<Device> all() {
    cl_platform_id[] platforms;
    try {
      CL.setExceptionsEnabled(true);
      int[] count = new int[1];
      CL.clGetPlatformIDs(0, null, count);
      platforms = new cl_platform_id[count[0]];
      if (platforms.length > 0) {
        CL.clGetPlatformIDs(platforms.length, platforms, null);
      }
    } catch (LinkageError e) {
      throw new OpenClUnavailableException(libraryMissingMessage(e), e);
    } catch (CLException e) {
      if (e.getStatus() != PLATFORM_NOT_FOUND_KHR) {
        throw new OpenClUnavailableException(
            "OpenCL is not available: clGetPlatformIDs failed ("
                + e.getMessage()
                + "); "
                + INSTALL_HINT
                + "; "
                + NO_FALLBACK,
            e);
      }
      platforms = new cl_platform_id[0];
    }
    if (platforms.length == 0) {
      throw new OpenClUnavailableException(
          "no OpenCL platform found: " + INSTALL_HINT + "; " + NO_FALLBACK);
    }
    List<Device> devices = new ArrayList<>();
    for (int p = 0; p < platforms.length; p++) {
      String platformName = platformString(platforms[p], CL_PLATFORM_NAME);
      cl_device_id[] ids = devicesOf(platforms[p]);
      for (int d = 0; d < ids.length; d++) {
        cl_device_id id = ids[d];
        devices.add(
            new Device(
                p,
                d,
                platforms[p],
                id,
                platformName,
                deviceString(id, CL_DEVICE_NAME),
                deviceLong(id, CL_DEVICE_TYPE),
                deviceString(id, CL_DEVICE_VERSION)));
      }
    }
    if (devices.isEmpty()) {
      throw new OpenClUnavailableException(
          "OpenCL platforms were found but they have no devices: "
              + INSTALL_HINT
              + "; "
              + NO_FALLBACK);
    }
    return devices;
  }

  private static cl_device_id[] devicesOf(cl_platform_id platform) {
    try {
      int[] count = new int[1];
      CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, count);
      cl_device_id[] ids = new cl_device_id[count[0]];
      CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
      return ids;
    } catch (CLException e) {
      if (e.getStatus() == CL_DEVICE_NOT_FOUND) {
        return new cl_device_id[0];
      }
      throw e;
    }
  }

  /**
   * Picks a device. {@code null}: the first GPU if any, else the first device. {@code "p:d"}:
   * device {@code d} of platform {@code p}. Otherwise a case-insensitive substring of {@code
   * "platform / device name"}; the first match wins.
   *
   * @throws OpenClUnavailableException when nothing matches; the message lists the devices
   */
  static Device select(String selector) {
    List<Device> devices = all();
    if (selector == null) {
      return devices.stream().filter(Device::isGpu).findFirst().orElse(devices.get(0));
    }
    Matcher m = INDEX.matcher(selector.trim());
    String wanted = selector.trim().toLowerCase(Locale.ROOT);
    for (Device d : devices) {
      boolean hit =
          m.matches()
              ? d.platformIndex() == Integer.parseInt(m.group(1))
                  && d.deviceIndex() == Integer.parseInt(m.group(2))
              : d.label().toLowerCase(Locale.ROOT).contains(wanted);
      if (hit) {
        return d;
      }
    }
    StringBuilder available = new StringBuilder();
    for (Device d : devices) {
      available.append("; ").append(d.platformIndex()).append(':').append(d.deviceIndex());
      available.append(' ').append(d.label());
    }
    throw new OpenClUnavailableException(
        "no OpenCL device matches the selector '"
            + selector
            + "' (give a substring of \"platform / device name\" or an index \"platform:device\")."
            + " Available devices"
            + available
            + ". "
            + NO_FALLBACK);
  }

  /** One line per device: indices, platform, device, type, version, compute units, memory, fp64. */
  static List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Device d : all()) {
      String fp64;
      try {
        fp64 = deviceLong(d.id(), CL_DEVICE_DOUBLE_FP_CONFIG) != 0 ? "yes" : "no";
      } catch (CLException e) {
        fp64 = "unknown"; // devices before OpenCL 1.2 may not answer this query
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "%d:%d  %s  type=%s  version=%s  compute units=%d  global memory=%d MiB  fp64=%s",
              d.platformIndex(),
              d.deviceIndex(),
              d.label(),
              typeName(d.type()),
              d.version(),
              deviceInt(d.id(), CL_DEVICE_MAX_COMPUTE_UNITS),
              deviceLong(d.id(), CL_DEVICE_GLOBAL_MEM_SIZE) >> 20,
              fp64));
    }
    return lines;
  }

  static String typeName(long type) {
    List<String> names = new ArrayList<>();
    if ((type & CL_DEVICE_TYPE_GPU) != 0) {
      names.add("GPU");
    }
    if ((type & CL_DEVICE_TYPE_CPU) != 0) {
      names.add("CPU");
    }
    if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
      names.add("ACCELERATOR");
    }
    return names.isEmpty() ? "OTHER" : String.join("+", names);
  }

  static String platformString(cl_platform_id platform, int param) {
    long[] size = new long[1];
    CL.clGetPlatformInfo(platform, param, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null);
    return cString(bytes);
  }

  static String deviceString(cl_device_id device, int param) {
    long[] size = new long[1];
    CL.clGetDeviceInfo(device, param, 0, null, size);
    byte[] bytes = new byte[(int) size[0]];
    CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null);
    return cString(bytes);
  }

  /** A {@code cl_ulong} (or bitfield) device property. */
  static long deviceLong(cl_device_id device, int param) {
    long[] value = new long[1];
    CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
    return value[0];
  }

  /** A {@code cl_uint} device property. */
  static int deviceInt(cl_device_id device, int param) {
    int[] value = new int[1];
    CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null);
    return value[0];
  }

  static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8).trim();
  }
}
