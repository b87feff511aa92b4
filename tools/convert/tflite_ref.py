#!/usr/bin/python3
"""tflite_ref: a small numpy interpreter of uint8-quantized TFLite graphs (the reference for
tflite2onnx, since no TFLite runtime is available here).

Usage:
    /usr/bin/python3 tools/convert/tflite_ref.py MODEL.tflite IMAGE.bin [--labels L.txt]
        IMAGE.bin = raw uint8 NHWC bytes of the input (e.g. 224*224*3 RGB)
    from tflite_ref import Interpreter
    it = Interpreter(read_tflite(path)); out_u8 = it.run(img_u8)   # it.values[i] = tensor i

Arithmetic (integer-exact with TFLite's reference kernels, tensorflow/lite/kernels/internal/
reference/, as recalled from their source; see the notes at each op):
  * CONV_2D / DEPTHWISE_CONV_2D (uint8): acc = bias + sum((x - x_zp) * (w - w_zp)) in int32;
    out = MultiplyByQuantizedMultiplier(acc, M, shift) + out_zp, clamped to the fused
    activation's quantized range. M, shift = QuantizeMultiplier(x_s * w_s / out_s) (per output
    channel when the filter has per-channel scales). The sum is done as a float64 matmul: every
    product and partial sum is an integer below 2^53, so it is exact.
  * ADD (uint8): both inputs shifted left by 20, rescaled to 2*max(s1, s2) with
    MultiplyByQuantizedMultiplierSmallerThanOneExp, summed, rescaled to the output.
  * AVERAGE_POOL_2D (uint8): integer sum over the window's valid pixels,
    (sum + count/2) / count, clamped; requires equal input/output quantization (as TFLite).
  * RESHAPE / SQUEEZE: copy.
  * SOFTMAX (uint8 -> uint8, scale 1/256): APPROXIMATED. TFLite's reference kernel uses
    gemmlowp fixed-point exp and reciprocal; here the logits are dequantized and a float64
    softmax is quantized with round-half-up: q = min(255, floor(p * 256 + 0.5)). Expect rare
    1-LSB (1/256) differences against the real TFLite softmax; the logits (its input) are exact.
"""

import argparse
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite2onnx import ConversionError, read_tflite, same_padding  # noqa: E402


# ---- fixed-point helpers (ref: tensorflow/lite/kernels/internal/common.h, quantization_util.cc,
#      gemmlowp fixedpoint.h); all vectorized over int64 arrays holding int32 values ----------

def quantize_multiplier(real):
    """real > 0 -> (int32 multiplier in [2^30, 2^31), shift) with real ~= M * 2^(shift - 31)."""
    if real == 0.0:
        return 0, 0
    mant, shift = np.frexp(real)  # real = mant * 2^shift, mant in [0.5, 1)
    q = int(round(float(mant) * (1 << 31)))  # C++ std::round: half away from zero
    if q == (1 << 31):
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q, int(shift)


def saturating_rounding_doubling_high_mul(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul for int32 a (array) and b (scalar/array)."""
    a = np.asarray(a, np.int64)
    ab = a * np.int64(b) if np.isscalar(b) else a * np.asarray(b, np.int64)
    nudge = np.where(ab >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    t = ab + nudge
    # C++ integer division truncates toward zero
    res = np.where(t >= 0, t >> 31, -((-t) >> 31))
    overflow = (a == -(1 << 31)) & (np.asarray(b) == -(1 << 31))
    return np.where(overflow, np.int64((1 << 31) - 1), res)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero."""
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> exponent) + (remainder > threshold).astype(np.int64)


def multiply_by_quantized_multiplier(x, m, shift):
    """TFLite MultiplyByQuantizedMultiplier(int32 x, int32 m, int shift) (m, shift may be
    per-channel arrays broadcasting against x)."""
    shift = np.asarray(shift, np.int64)
    left = np.where(shift > 0, shift, 0)
    right = np.where(shift > 0, 0, -shift)
    x = np.asarray(x, np.int64) * (np.int64(1) << left)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m), right)


def multiply_by_quantized_multiplier_single_rounding(x, m, shift):
    """The TFLITE_SINGLE_ROUNDING variant (a build option of TFLite, off by default):
    (x * m + 2^(30 - shift)) >> (31 - shift), one rounding, half up."""
    total = 31 - np.asarray(shift, np.int64)
    return (np.asarray(x, np.int64) * np.asarray(m, np.int64) + (np.int64(1) << (total - 1))) >> total


def quantize_multiplier_smaller_than_one(real):
    """QuantizeMultiplierSmallerThanOneExp: (multiplier, left_shift <= 0)."""
    if not 0.0 < real < 1.0:
        raise ConversionError(f"multiplier {real} outside (0, 1)")
    return quantize_multiplier(real)


def multiply_by_quantized_multiplier_smaller_than_one_exp(x, m, left_shift):
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m), -left_shift)


def activation_range_uint8(act, scale, zp):
    """CalculateActivationRangeQuantized for uint8 outputs."""
    qmin, qmax = 0, 255

    def q(v):
        return zp + int(round(v / scale))
    if act == "NONE":
        return qmin, qmax
    if act == "RELU":
        return max(qmin, q(0.0)), qmax
    if act == "RELU6":
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if act == "RELU_N1_TO_1":
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    raise ConversionError(f"fused activation {act} is not supported")


# ---- interpreter -------------------------------------------------------------------------------

class Interpreter:
    """single_rounding=False (default) = TFLite's default build: MultiplyByQuantizedMultiplier
    rounds twice (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), so e.g. with a
    right shift of 1 a true value of 12.37 becomes 13. single_rounding=True = the
    TFLITE_SINGLE_ROUNDING build (one rounding of the exact product), closer to ONNX Runtime,
    which requantizes in float with round-half-to-even."""

    def __init__(self, model, single_rounding=False):
        self.m = model
        self.values = {}
        self.single_rounding = single_rounding

    def _mbqm(self, x, m, shift):
        if self.single_rounding:
            return multiply_by_quantized_multiplier_single_rounding(x, m, shift)
        return multiply_by_quantized_multiplier(x, m, shift)

    def _mbqm_lt1(self, x, m, shift):
        if self.single_rounding:
            return multiply_by_quantized_multiplier_single_rounding(x, m, shift)
        return multiply_by_quantized_multiplier_smaller_than_one_exp(x, m, shift)

    def _q(self, idx):
        q = self.m["tensors"][idx]["quant"]
        return q["scale"].astype(np.float64), q["zero_point"].astype(np.int64)

    def run(self, image_u8):
        T = self.m["tensors"]
        tin = T[self.m["inputs"][0]]
        x = np.asarray(image_u8, np.uint8).reshape(tin["shape"])
        self.values = {tin["index"]: x}
        for op in self.m["operators"]:
            fn = getattr(self, "op_" + op["op"].lower(), None)
            if fn is None:
                raise ConversionError(f"tflite_ref: operator {op['op']} is not supported")
            out = fn(op)
            self.values[op["outputs"][0]] = out
        return self.values[self.m["outputs"][0]]

    def _conv_common(self, op, depthwise):
        T = self.m["tensors"]
        o = op["options"]
        xi, wi = op["inputs"][0], op["inputs"][1]
        bi = op["inputs"][2] if len(op["inputs"]) > 2 and op["inputs"][2] >= 0 else None
        oi = op["outputs"][0]
        x = self.values[xi].astype(np.int64)
        w = T[wi]["data"].astype(np.int64)
        xs, xz = self._q(xi)
        ws, wz = self._q(wi)
        os_, oz = self._q(oi)
        n, h, wd, c = x.shape
        kh, kw = w.shape[1], w.shape[2]
        sh, sw = o["stride_h"], o["stride_w"]
        dh, dw = o["dilation_h"], o["dilation_w"]
        if o["padding"] == "SAME":
            pt, pb, oh = same_padding(h, kh, sh, dh)
            pl, pr, ow = same_padding(wd, kw, sw, dw)
        else:
            pt = pb = pl = pr = 0
            oh = (h - (kh - 1) * dh - 1) // sh + 1
            ow = (wd - (kw - 1) * dw - 1) // sw + 1
        # input offset: padded pixels contribute (x - x_zp) = 0, so pad with the zero point
        xp = np.pad(x - xz[0], ((0, 0), (pt, pb), (pl, pr), (0, 0)))
        n_out = w.shape[3] if depthwise else w.shape[0]
        per_ch = len(ws) > 1
        wzv = wz if per_ch else wz[0]
        if depthwise:
            mult = o["depth_multiplier"]
            wf = (w[0] - (wzv if not per_ch else wzv.reshape(1, 1, -1)))  # [kh, kw, C*mult]
            acc = np.zeros((n, oh, ow, n_out), np.int64)
            xrep = np.repeat(xp, mult, axis=3) if mult > 1 else xp
            for i in range(kh):
                for j in range(kw):
                    patch = xrep[:, i * dh: i * dh + (oh - 1) * sh + 1: sh,
                                 j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
                    acc += patch * wf[i, j]
        else:
            wf = w - (wzv if not per_ch else wzv.reshape(-1, 1, 1, 1))  # [O, kh, kw, I]
            cols = np.empty((n, oh, ow, kh, kw, c), np.float64)
            for i in range(kh):
                for j in range(kw):
                    cols[:, :, :, i, j, :] = xp[:, i * dh: i * dh + (oh - 1) * sh + 1: sh,
                                                j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
            # exact: |products| <= 255*255, K <= a few thousand -> sums far below 2^53
            acc = (cols.reshape(-1, kh * kw * c) @ wf.reshape(n_out, -1).T.astype(np.float64))
            acc = np.rint(acc).astype(np.int64).reshape(n, oh, ow, n_out)
        if bi is not None:
            acc = acc + T[bi]["data"].astype(np.int64)
        real = xs[0] * ws / os_[0]
        mults = [quantize_multiplier(float(r)) for r in np.atleast_1d(real)]
        m_arr = np.array([mm for mm, _ in mults], np.int64)
        s_arr = np.array([ss for _, ss in mults], np.int64)
        if not per_ch:
            m_arr, s_arr = m_arr[0], s_arr[0]
        y = self._mbqm(acc, m_arr, s_arr) + oz[0]
        lo, hi = activation_range_uint8(o["activation"], os_[0], int(oz[0]))
        return np.clip(y, lo, hi).astype(np.uint8)

    def op_conv_2d(self, op):
        return self._conv_common(op, depthwise=False)

    def op_depthwise_conv_2d(self, op):
        return self._conv_common(op, depthwise=True)

    def op_add(self, op):
        a_i, b_i = op["inputs"]
        oi = op["outputs"][0]
        s1, z1 = self._q(a_i)
        s2, z2 = self._q(b_i)
        so, zo = self._q(oi)
        left_shift = 20
        twice_max = 2.0 * max(s1[0], s2[0])
        m1, sh1 = quantize_multiplier_smaller_than_one(s1[0] / twice_max)
        m2, sh2 = quantize_multiplier_smaller_than_one(s2[0] / twice_max)
        mo, sho = quantize_multiplier_smaller_than_one(twice_max / ((1 << left_shift) * so[0]))
        a = (self.values[a_i].astype(np.int64) - z1[0]) * (1 << left_shift)
        b = (self.values[b_i].astype(np.int64) - z2[0]) * (1 << left_shift)
        sa = self._mbqm_lt1(a, m1, sh1)
        sb = self._mbqm_lt1(b, m2, sh2)
        y = self._mbqm_lt1(sa + sb, mo, sho) + zo[0]
        lo, hi = activation_range_uint8(op["options"]["activation"], so[0], int(zo[0]))
        return np.clip(y, lo, hi).astype(np.uint8)

    def op_average_pool_2d(self, op):
        o = op["options"]
        xi, oi = op["inputs"][0], op["outputs"][0]
        if not (np.allclose(self._q(xi)[0], self._q(oi)[0]) and
                np.array_equal(self._q(xi)[1], self._q(oi)[1])):
            raise ConversionError("AVERAGE_POOL_2D with different input/output quantization")
        x = self.values[xi].astype(np.int64)
        n, h, w, c = x.shape
        fh, fw, sh, sw = o["filter_h"], o["filter_w"], o["stride_h"], o["stride_w"]
        if o["padding"] == "SAME":
            pt, _, oh = same_padding(h, fh, sh)
            pl, _, ow = same_padding(w, fw, sw)
        else:
            pt = pl = 0
            oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
        out = np.empty((n, oh, ow, c), np.int64)
        for y in range(oh):
            y0, y1 = max(y * sh - pt, 0), min(y * sh - pt + fh, h)
            for xx in range(ow):
                x0, x1 = max(xx * sw - pl, 0), min(xx * sw - pl + fw, w)
                count = (y1 - y0) * (x1 - x0)
                acc = x[:, y0:y1, x0:x1, :].sum(axis=(1, 2))
                out[:, y, xx, :] = (acc + count // 2) // count
        so, zo = self._q(oi)
        lo, hi = activation_range_uint8(o["activation"], so[0], int(zo[0]))
        return np.clip(out, lo, hi).astype(np.uint8)

    def op_reshape(self, op):
        return self.values[op["inputs"][0]].reshape(self.m["tensors"][op["outputs"][0]]["shape"])

    op_squeeze = op_reshape

    def op_softmax(self, op):
        xi, oi = op["inputs"][0], op["outputs"][0]
        s, z = self._q(xi)
        so, zo = self._q(oi)
        beta = op["options"]["beta"]
        v = (self.values[xi].astype(np.float64) - z[0]) * s[0] * beta
        v = v - v.max(axis=-1, keepdims=True)
        p = np.exp(v)
        p /= p.sum(axis=-1, keepdims=True)
        q = np.floor(p / so[0] + 0.5) + zo[0]
        return np.clip(q, 0, 255).astype(np.uint8)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tflite")
    p.add_argument("image_bin")
    p.add_argument("--labels")
    p.add_argument("--out", help="write the uint8 output here")
    p.add_argument("--single-rounding", action="store_true",
                   help="TFLITE_SINGLE_ROUNDING arithmetic instead of TFLite's default")
    args = p.parse_args(argv)
    m = read_tflite(args.tflite)
    img = np.fromfile(args.image_bin, np.uint8)
    out = Interpreter(m, args.single_rounding).run(img).reshape(-1)
    if args.out:
        out.tofile(args.out)
    labels = open(args.labels).read().splitlines() if args.labels else None
    for k in np.argsort(-out.astype(np.int64), kind="stable")[:5]:
        print(f"{k:5d} {out[k] / 256:.4f} {labels[k] if labels else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
