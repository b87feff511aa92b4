#!/usr/bin/python3
"""Unit tests of tflite2onnx (flatbuffer reader, conversion) and tflite_ref (TFLite fixed-point
arithmetic). The fixed-point and flatbuffer tests need no model; the model tests need the upstream
MobileNet (not in this repository) and are skipped, saying where to get it, without it.

    /usr/bin/python3 tools/convert/test_tflite2onnx.py [UPSTREAM_IMAGE_MODELS]
        (without the argument: run by tests/js/image_model.test.mjs)
"""

import json
import os
import struct
import sys
import tempfile
import unittest

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tflite2onnx as C  # noqa: E402
import tflite_ref as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
UPSTREAM_IMAGE_HELP = ("the folder holding mobilenet_v2_1.0_224_quant.tflite from google-coral/test_data "
                       "@104342d (https://github.com/google-coral/test_data, Apache-2.0)")
UPSTREAM = sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
MODEL = os.path.join(UPSTREAM or "", "mobilenet_v2_1.0_224_quant.tflite")
FIXTURES = os.path.join(ROOT, "tests", "data", "image_model")


def tiny_flatbuffer():
    """Hand-assembled buffer: root table with field 0 = int32 7, field 1 absent, field 2 =
    vector<int32> [3, 5], field 3 = string "ab"."""
    # layout: [root uoffset][pad][vtable][table][vector][string]
    vt = struct.pack("<HHHHHH", 12, 16, 4, 0, 8, 12)  # vtable: 4 fields
    vt_pos = 8
    table_pos = vt_pos + len(vt)  # 20
    vec_pos = table_pos + 16  # 36
    str_pos = vec_pos + 12  # 48
    table = struct.pack("<iiII", table_pos - vt_pos, 7, vec_pos - (table_pos + 8),
                        str_pos - (table_pos + 12))
    vec = struct.pack("<Iii", 2, 3, 5)
    s = struct.pack("<I", 2) + b"ab\0\0"
    buf = struct.pack("<I", table_pos) + b"TEST" + vt + table + vec + s
    return buf


class FlatBufferTest(unittest.TestCase):
    def test_reads_fields_defaults_vectors_strings(self):
        t = C.root_table(tiny_flatbuffer(), b"TEST")
        self.assertEqual(t.scalar(0, "i"), 7)
        self.assertFalse(t.has(1))
        self.assertEqual(t.scalar(1, "i", 42), 42)  # absent -> default
        self.assertEqual(list(t.vector(2, np.int32)), [3, 5])
        self.assertEqual(t.string(3), "ab")
        self.assertEqual(t.scalar(9, "i", -1), -1)  # beyond the vtable -> default

    def test_rejects_wrong_identifier_and_truncation(self):
        with self.assertRaises(C.ConversionError):
            C.root_table(tiny_flatbuffer(), b"TFL3")
        with self.assertRaises(C.ConversionError):
            C.root_table(b"\x00\x01", None)


class FixedPointTest(unittest.TestCase):
    def test_quantize_multiplier(self):
        m, s = R.quantize_multiplier(0.5)
        self.assertEqual((m, s), (1 << 30, 0))
        m, s = R.quantize_multiplier(0.3436955213546753)
        self.assertEqual((m, s), (1476161024, -1))
        m, s = R.quantize_multiplier(1.0 - 2 ** -40)  # rounds up to 2^31 -> halved, shift + 1
        self.assertEqual((m, s), (1 << 30, 1))

    def test_rounding_divide_by_pot_rounds_half_away_from_zero(self):
        x = np.array([5, -5, 6, -6, 7, -7], np.int64)
        self.assertEqual(list(R.rounding_divide_by_pot(x, 1)), [3, -3, 3, -3, 4, -4])
        self.assertEqual(list(R.rounding_divide_by_pot(np.array([9, 10, -10]), 2)), [2, 3, -3])

    def test_srdhm_rounds_half_up(self):
        # a * 2^30 / 2^31 = a / 2; gemmlowp's nudge (1 - 2^30 for negative products) followed by
        # C++ division (toward zero) sends -1.5 to -1 and -0.5 to 0: halves round up.
        a = np.array([3, -3, 1, -1], np.int64)
        self.assertEqual(list(R.saturating_rounding_doubling_high_mul(a, 1 << 30)), [2, -1, 1, 0])
        self.assertEqual(int(R.saturating_rounding_doubling_high_mul(
            np.array([-(1 << 31)]), -(1 << 31))[0]), (1 << 31) - 1)

    def test_double_rounding_versus_single_rounding(self):
        # acc 36 * 0.34369552 = 12.37: TFLite's default rounds 24.75 -> 25, then 25/2 -> 13;
        # the single-rounding build gives 12 (the value ONNX Runtime computes).
        m, s = R.quantize_multiplier(0.3436955213546753)
        self.assertEqual(int(R.multiply_by_quantized_multiplier(np.array([36]), m, s)[0]), 13)
        self.assertEqual(int(R.multiply_by_quantized_multiplier_single_rounding(
            np.array([36]), m, s)[0]), 12)

    def test_same_padding(self):
        self.assertEqual(C.same_padding(224, 3, 2), (0, 1, 112))
        self.assertEqual(C.same_padding(112, 3, 1), (1, 1, 112))
        self.assertEqual(C.same_padding(7, 1, 1), (0, 0, 7))


@unittest.skipUnless(UPSTREAM and os.path.exists(MODEL),
                     f"model tests need UPSTREAM_IMAGE_MODELS: {UPSTREAM_IMAGE_HELP}")
class MobileNetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = C.read_tflite(MODEL)

    def test_parses_the_graph(self):
        ops = [o["op"] for o in self.m["operators"]]
        self.assertEqual(len(ops), 66)
        self.assertEqual(ops.count("CONV_2D"), 36)
        self.assertEqual(ops.count("DEPTHWISE_CONV_2D"), 17)
        self.assertEqual(ops[-1], "SOFTMAX")
        tin = self.m["tensors"][self.m["inputs"][0]]
        self.assertEqual(tin["shape"], [1, 224, 224, 3])
        self.assertEqual(float(tin["quant"]["scale"][0]), 0.0078125)
        self.assertEqual(int(tin["quant"]["zero_point"][0]), 128)

    def test_reference_reproduces_stored_fixture_outputs(self):
        with open(os.path.join(FIXTURES, "expected.json")) as f:
            exp = json.load(f)
        logits_idx = next(o["inputs"][0] for o in self.m["operators"] if o["op"] == "SOFTMAX")
        fx = exp["fixtures"][0]
        img = np.fromfile(os.path.join(FIXTURES, fx["file"]), np.uint8)
        for single, suffix in ((False, ""), (True, "_single_rounding")):
            it = R.Interpreter(self.m, single_rounding=single)
            prob = it.run(img).reshape(-1)
            self.assertEqual(prob.tolist(), fx["prob_u8" + suffix])
            self.assertEqual(it.values[logits_idx].reshape(-1).tolist(), fx["logits_u8" + suffix])

    def test_conversion_is_deterministic_and_valid(self):
        import onnx
        a = C.build_onnx(self.m, "qdq").SerializeToString()
        b = C.build_onnx(self.m, "qdq").SerializeToString()
        self.assertEqual(a, b)
        f = C.build_onnx(self.m, "float")
        onnx.checker.check_model(f)
        ops = {n.op_type for n in f.graph.node}
        self.assertNotIn("QuantizeLinear", ops)
        self.assertIn("Clip", ops)
        q = C.build_onnx_qlinear(self.m)
        self.assertIn("QLinearConv", {n.op_type for n in q.graph.node})

    def test_cli_writes_manifest(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(C.main([MODEL, tmp]), 0)
            with open(os.path.join(tmp, "manifest.json")) as f:
                man = json.load(f)
            self.assertEqual(man["input"]["name"], "image")
            self.assertEqual(man["preprocessing"]["input_quantization"],
                             {"scale": 0.0078125, "zero_point": 128})
            for v in ("float", "wq", "qdq"):
                self.assertTrue(os.path.exists(os.path.join(tmp, man["variants"][v]["file"])))


if __name__ == "__main__":
    unittest.main()
