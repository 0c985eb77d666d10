#!/usr/bin/env bash
# Second device call: fmnist_2c2d at growing N on the GPU (OpenCL, float32), 20 GiB heap,
# Lanczos eigensolver; cifar100_allcnnc at N = 128; fmnist N = 128 with auto eigensolver.
B=$1; OUTD=$2
cd "$(dirname "$B")" && rm -rf vivit4j-gpu-bundle && tar xzf "$B" && cd vivit4j-gpu-bundle || exit 9
lib=$(ldconfig -p | awk '/libnvidia-opencl.so.1/{print $NF; exit}')
[[ -n "$lib" ]] || lib=/usr/local/nvidia/lib64/libnvidia-opencl.so.1
[[ -e "$lib" ]] && mkdir -p vendors && echo "$lib" > vendors/nvidia.icd && export OCL_ICD_VENDORS=$PWD/vendors
R=$OUTD/scale; mkdir -p $R
export JDK_JAVA_OPTIONS="-Xmx20g"
t0=$SECONDS
W=$(mktemp -d)
T=(); [[ -x /usr/bin/time ]] && T=(/usr/bin/time -v)
n() { [[ -n "${SMOKE:-}" ]] && echo 8 || echo $1; }
one() { # name, problem args..., then solve args after --
  local name=$1; shift; local pa=(); while [[ $1 != -- ]]; do pa+=("$1"); shift; done; shift
  local lim=$1; shift
  echo "== $name (limit $lim s, at $((SECONDS - t0)) s)" | tee -a $R/scale.log
  tornado-env/tornado-run make-problem "${pa[@]}" --out $W/p.json >> $R/$name.log 2>&1 || { echo "make-problem failed" | tee -a $R/scale.log; return; }
  "${T[@]}" timeout $lim tornado-env/tornado-run solve --problem $W/p.json --out $W/r.json --encode base64 --backend opencl --verbose "$@" >> $R/$name.log 2>&1
  echo "-- $name exit $? ; $(grep -m1 'directional_derivatives on' $R/$name.log | sed 's/.*), //') ; $(grep -m1 'Maximum resident' $R/$name.log)" | tee -a $R/scale.log
  grep -E "eigensolver|peak JVM|passes:|factor chunk|chunk" $R/$name.log | head -6 | tee -a $R/scale.log
}
one fmnist_n128_auto fmnist_2c2d --n $(n 128) -- 40 --eigensolver auto
one cifar100_allcnnc_n128 cifar100_allcnnc --n $(n 128) -- 90 --eigensolver auto
one fmnist_n512 fmnist_2c2d --n $(n 512) -- 80 --eigensolver auto
one fmnist_n1024 fmnist_2c2d --n $(n 1024) -- 120 --eigensolver auto
one fmnist_n2048 fmnist_2c2d --n $(n 2048) -- 150 --eigensolver auto
echo "total $((SECONDS - t0)) s" | tee -a $R/scale.log
