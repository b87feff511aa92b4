#!/usr/bin/python3
"""Unit tests of tfjs2onnx on small synthetic TF.js graphs (no model files needed).

    /usr/bin/python3 tools/convert/test_tfjs2onnx.py     (also run by tests/js/models.test.mjs)
"""

import base64
import json
import os
import sys
import tempfile
import unittest

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tfjs2onnx  # noqa: E402


def b64(s):
    return base64.b64encode(s.encode()).decode()


def write_model(tmp, nodes, weights):
    """weights: [(name, array, quantization or None)] -> model.json + one shard."""
    specs, blobs = [], []
    for name, arr, quant in weights:
        spec = {"name": name, "shape": list(arr.shape),
                "dtype": "int32" if arr.dtype == np.int32 else
                ("bool" if arr.dtype == np.bool_ else "float32")}
        if quant == "uint8":
            lo, hi = float(arr.min()), float(arr.max())
            scale = (hi - lo) / 255 or 1.0
            q = np.round((arr - lo) / scale).astype(np.uint8)
            spec["quantization"] = {"dtype": "uint8", "scale": scale, "min": lo}
            blobs.append(q.tobytes())
        elif quant == "float16":
            spec["quantization"] = {"dtype": "float16"}
            blobs.append(arr.astype("<f2").tobytes())
        else:
            blobs.append(arr.astype(arr.dtype.newbyteorder("<")).tobytes())
        specs.append(spec)
    with open(os.path.join(tmp, "group1-shard1of1.bin"), "wb") as f:
        f.write(b"".join(blobs))
    mj = {"format": "graph-model", "modelTopology": {"node": nodes},
          "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": specs}]}
    with open(os.path.join(tmp, "model.json"), "w") as f:
        json.dump(mj, f)


def const(name):
    return {"name": name, "op": "Const", "attr": {}}


def list_i(v):
    return {"list": {"i": [str(x) for x in v]}}


class DecodeWeights(unittest.TestCase):
    def test_dtypes_and_quantization(self):
        rng = np.random.default_rng(1)
        f = rng.standard_normal((3, 4)).astype(np.float32)
        i = np.array([1, -2, 3], np.int32)
        b = np.array([True, False], np.bool_)
        q = np.linspace(-1, 1, 256).astype(np.float32)
        h = rng.standard_normal(5).astype(np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            write_model(tmp, [], [("f", f, None), ("i", i, None), ("b", b, None),
                                  ("q", q, "uint8"), ("h", h, "float16")])
            with open(os.path.join(tmp, "model.json")) as fh:
                mj = json.load(fh)
            w = tfjs2onnx.decode_weights(tmp, mj["weightsManifest"])
        np.testing.assert_array_equal(w["f"], f)
        np.testing.assert_array_equal(w["i"], i)
        np.testing.assert_array_equal(w["b"], b)
        np.testing.assert_allclose(w["q"], q, atol=2 / 255 / 2 + 1e-6)
        np.testing.assert_array_equal(w["h"], h.astype(np.float16).astype(np.float32))


def small_graph():
    """[N,8,6] -> ExpandDims -> conv 3x2 SAME (bias+relu) -> affine -> MaxPool over W ->
    Squeeze -> flatten via Shape/StridedSlice/Pack -> FusedMatMul -> Sigmoid."""
    rng = np.random.default_rng(2)
    weights = [
        ("k", rng.standard_normal((3, 2, 1, 4)).astype(np.float32), None),
        ("kb", rng.standard_normal(4).astype(np.float32), None),
        ("s", np.abs(rng.standard_normal(4)).astype(np.float32), None),
        ("o", rng.standard_normal(4).astype(np.float32), None),
        ("dim", np.array(3, np.int32), None),
        ("sq", np.array([1], np.int32), None),
        ("zero", np.array([0], np.int32), None),
        ("flat", np.array(32, np.int32), None),
        ("w", rng.standard_normal((32, 5)).astype(np.float32), None),
        ("wb", rng.standard_normal(5).astype(np.float32), None),
    ]
    nodes = [
        {"name": "x", "op": "Placeholder",
         "attr": {"shape": {"shape": {"dim": [{"size": "-1"}, {"size": "8"}, {"size": "6"}]}},
                  "dtype": {"type": "DT_FLOAT"}}},
        *[const(n) for n, _, _ in weights],
        {"name": "e", "op": "ExpandDims", "input": ["x", "dim"]},
        {"name": "c", "op": "_FusedConv2D", "input": ["e", "k", "kb"],
         "attr": {"padding": {"s": b64("SAME")}, "strides": list_i([1, 1, 1, 1]),
                  "dilations": list_i([1, 1, 1, 1]), "data_format": {"s": b64("NHWC")},
                  "fused_ops": {"list": {"s": [b64("BiasAdd"), b64("Relu")]}}}},
        {"name": "m", "op": "Mul", "input": ["s", "c"]},
        {"name": "a", "op": "AddV2", "input": ["m", "o"]},
        {"name": "p", "op": "MaxPool", "input": ["a"],
         "attr": {"ksize": list_i([1, 1, 6, 1]), "strides": list_i([1, 1, 6, 1]),
                  "padding": {"s": b64("VALID")}, "data_format": {"s": b64("NHWC")}}},
        {"name": "q", "op": "Squeeze", "input": ["p"], "attr": {"squeeze_dims": list_i([2])}},
        {"name": "sh", "op": "Shape", "input": ["q"]},
        {"name": "ss", "op": "StridedSlice", "input": ["sh", "zero", "sq", "sq"],
         "attr": {"shrink_axis_mask": {"i": "1"}}},
        {"name": "pk", "op": "Pack", "input": ["ss", "flat"], "attr": {"axis": {"i": "0"}}},
        {"name": "r", "op": "Reshape", "input": ["q", "pk"]},
        {"name": "d", "op": "_FusedMatMul", "input": ["r", "w", "wb"],
         "attr": {"fused_ops": {"list": {"s": [b64("BiasAdd"), b64("Relu")]}}}},
        {"name": "y", "op": "Sigmoid", "input": ["d"]},
    ]
    return nodes, weights


class Convert(unittest.TestCase):
    def convert(self, nodes, weights, outputs, **kw):
        with tempfile.TemporaryDirectory() as tmp:
            write_model(tmp, nodes, weights)
            return tfjs2onnx.convert_model(tmp, [("mel", "x")], outputs, **kw)

    def test_small_graph_structure(self):
        nodes, weights = small_graph()
        model, stats = self.convert(nodes, weights, [("y", "y"), ("pre", "d:preact")])
        ops = [n.op_type for n in model.graph.node]
        # One Transpose: the flatten needs [N,T,C] in TF order, the conv region is NCHW.
        self.assertEqual(stats["transposes"], 1)
        self.assertNotIn("Shape", ops)            # folded to a constant Reshape target
        self.assertIn("Conv", ops)
        self.assertIn("ReduceMax", ops)
        self.assertEqual([o.name for o in model.graph.output], ["y", "pre"])
        dims = model.graph.input[0].type.tensor_type.shape.dim
        self.assertEqual(dims[0].dim_param, "N")
        conv = next(n for n in model.graph.node if n.op_type == "Conv")
        pads = next(a for a in conv.attribute if a.name == "pads").ints
        self.assertEqual(list(pads), [1, 0, 1, 1])   # TF SAME: 3x2 kernel pads H 1/1, W 0/1
        # s >= 0: the affine runs after the pool, on the small tensor.
        mul = next(n for n in model.graph.node if n.op_type == "Mul")
        self.assertTrue(any(n.op_type == "ReduceMax" and n.output[0] == mul.input[0]
                            for n in model.graph.node))

    def test_deterministic(self):
        nodes, weights = small_graph()
        a, _ = self.convert(nodes, weights, [("y", "y")])
        b, _ = self.convert(nodes, weights, [("y", "y")])
        self.assertEqual(a.SerializeToString(), b.SerializeToString())

    def test_unknown_op_names_op_and_node(self):
        nodes, weights = small_graph()
        nodes[-1]["op"] = "Softplus"
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            self.convert(nodes, weights, [("y", "y")])
        self.assertIn("'Softplus'", str(ctx.exception))
        self.assertIn("'y'", str(ctx.exception))


def dtype_attr(code):
    return {"type": code}


def sparse_graph():
    """A small --dynamic graph in the sentence encoder's style: sparse (indices, values) int64
    placeholders, position clipping with Where, SparseToDense, an embedding lookup scattered to
    [batch, time, dim] with ScatterNd, a 1x1 Conv2D, SplitV and a Pack of scalar constants."""
    i64, i32, f32 = 9, 3, 1
    nodes = [
        {"name": "indices", "op": "Placeholder",
         "attr": {"dtype": dtype_attr(i64), "shape": {"shape": {"dim": [{"size": "-1"}, {"size": "2"}]}}}},
        {"name": "values", "op": "Placeholder",
         "attr": {"dtype": dtype_attr(i64), "shape": {"shape": {"dim": [{"size": "-1"}]}}}},
        const("b0"), const("e0"), const("s0"), const("maxlen"), const("minus1"), const("axis0"),
        const("table"), const("default"), const("kernel"), const("sizes"), const("axis_last"),
        const("four"), const("two"), const("b1"), const("e1"),
        {"name": "pos", "op": "StridedSlice", "input": ["indices", "b0", "e0", "s0"],
         "attr": {"begin_mask": {"i": "1"}, "end_mask": {"i": "1"}, "shrink_axis_mask": {"i": "2"}}},
        {"name": "keep", "op": "Less", "input": ["pos", "maxlen"]},
        {"name": "where", "op": "Where", "input": ["keep"]},
        {"name": "rows", "op": "Reshape", "input": ["where", "minus1"]},
        {"name": "idx", "op": "GatherV2", "input": ["indices", "rows", "axis0"]},
        {"name": "val", "op": "GatherV2", "input": ["values", "rows", "axis0"]},
        {"name": "mx", "op": "Max", "input": ["idx", "axis0"], "attr": {"keep_dims": {"b": False}}},
        {"name": "dense", "op": "SparseToDense", "input": ["idx", "mx", "val", "default"]},
        {"name": "mask", "op": "Greater", "input": ["dense", "default"]},
        {"name": "maskf", "op": "Cast", "input": ["mask"],
         "attr": {"SrcT": dtype_attr(10), "DstT": dtype_attr(f32)}},
        {"name": "emb", "op": "GatherV2", "input": ["table", "val", "axis0"]},
        {"name": "coords", "op": "Where", "input": ["mask"]},
        {"name": "coords32", "op": "Cast", "input": ["coords"],
         "attr": {"SrcT": dtype_attr(i64), "DstT": dtype_attr(i32)}},
        {"name": "mshape", "op": "Shape", "input": ["mask"]},
        {"name": "eshape", "op": "Shape", "input": ["emb"]},
        {"name": "dim", "op": "StridedSlice", "input": ["eshape", "e0", "s0", "e0"],
         "attr": {"end_mask": {"i": "1"}}},
        {"name": "oshape", "op": "ConcatV2", "input": ["mshape", "dim", "axis0"]},
        {"name": "grid", "op": "ScatterNd", "input": ["coords32", "emb", "oshape"],
         "attr": {"T": dtype_attr(f32)}},
        {"name": "grid4", "op": "ExpandDims", "input": ["grid", "two"]},
        {"name": "proj", "op": "Conv2D", "input": ["grid4", "kernel"],
         "attr": {"data_format": {"s": [78, 72, 87, 67]}, "padding": {"s": [86, 65, 76, 73, 68]}}},
        {"name": "sq", "op": "Squeeze", "input": ["proj"],
         "attr": {"squeeze_dims": {"list": {"i": ["2"]}}}},
        {"name": "split", "op": "SplitV", "input": ["sq", "sizes", "axis_last"],
         "attr": {"num_split": {"i": "2"}}},
        {"name": "nrows", "op": "StridedSlice", "input": ["mshape", "b1", "e1", "e1"],
         "attr": {"shrink_axis_mask": {"i": "1"}}},
        {"name": "newshape", "op": "Pack", "input": ["nrows", "minus1"], "attr": {"axis": {"i": "0"}}},
        {"name": "flat", "op": "Reshape", "input": ["split:1", "newshape"]},
        {"name": "y", "op": "Mul", "input": ["flat", "maskf_sum"]},
        {"name": "maskf_sum", "op": "Sum", "input": ["maskf", "axis0"], "attr": {"keep_dims": {"b": False}}},
    ]
    rng = np.random.default_rng(1)
    weights = [
        ("b0", np.array([0, 1], np.int32), None), ("e0", np.array([0, 2], np.int32), None),
        ("s0", np.array([1, 1], np.int32), None), ("maxlen", np.array(128, np.int32), None),
        ("minus1", np.array(-1, np.int32), None), ("axis0", np.array(0, np.int32), None),
        ("table", rng.normal(size=(10, 3)).astype(np.float32), None),
        ("default", np.array(0, np.int32), None),
        ("kernel", rng.normal(size=(1, 1, 3, 6)).astype(np.float32), None),
        ("sizes", np.array([2, 4], np.int32), None), ("axis_last", np.array(-1, np.int32), None),
        ("four", np.array(4, np.int32), None), ("two", np.array(2, np.int32), None),
        ("b1", np.array([0], np.int32), None), ("e1", np.array([1], np.int32), None),
    ]
    return nodes, weights


class ConvertDynamic(unittest.TestCase):
    def convert(self, nodes, weights, outputs, **kw):
        with tempfile.TemporaryDirectory() as tmp:
            write_model(tmp, nodes, weights)
            return tfjs2onnx.convert_model(tmp, [("indices", "indices"), ("values", "values")],
                                           outputs, dynamic=True, **kw)

    def test_sparse_graph_structure(self):
        nodes, weights = sparse_graph()
        model, _ = self.convert(nodes, weights, [("y", "y")], int32_inputs=True)
        ops = [n.op_type for n in model.graph.node]
        inputs = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
        self.assertEqual(inputs, {"indices": 6, "values": 6})   # int32 public inputs
        self.assertEqual(ops.count("Cast"), 3)                  # 2 input casts + bool->float
        self.assertIn("NonZero", ops)
        self.assertEqual(ops.count("ScatterND"), 2)
        scatter = [n for n in model.graph.node if n.op_type == "ScatterND"]
        reductions = sorted(a.s.decode() for n in scatter for a in n.attribute
                            if a.name == "reduction")
        self.assertEqual(reductions, ["add"])                   # ScatterNd sums, SparseToDense not
        self.assertNotIn("Conv", ops)                           # 1x1 conv -> MatMul
        self.assertIn("Split", ops)
        # Scalar constants stay scalars (Unsqueeze + Concat of a Pack needs rank 0 inputs).
        inits = {t.name: list(t.dims) for t in model.graph.initializer}
        pack = next(n for n in model.graph.node if n.op_type == "Concat" and n.name == "newshape")
        unsq = [n for n in model.graph.node if n.output[0] in pack.input]
        self.assertEqual(len(unsq), 2)
        self.assertEqual(inits[unsq[1].input[0]], [])           # the -1
        # Integer tensors are int64 in the graph.
        self.assertTrue(all(t.data_type in (1, 7) for t in model.graph.initializer))

    def test_strided_slice_masks(self):
        nodes, weights = sparse_graph()
        model, _ = self.convert(nodes, weights, [("y", "y")])
        inits = {t.name: tfjs2onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
        sl = next(n for n in model.graph.node if n.op_type == "Slice" and n.name.startswith("pos"))
        starts, ends, axes, steps = (inits[i].tolist() for i in sl.input[1:5])
        big = np.iinfo(np.int64).max
        self.assertEqual(starts, [0, 1])       # begin_mask on axis 0
        self.assertEqual(ends, [big, 2])       # end_mask on axis 0; shrink axis 1 -> [1, 2)
        self.assertEqual(steps, [1, 1])
        self.assertEqual(axes, [0, 1])
        sq = next(n for n in model.graph.node if n.op_type == "Squeeze" and n.name == "pos")
        self.assertEqual(inits[sq.input[1]].tolist(), [1])
        # Without --int32-inputs the inputs keep the placeholders' int64.
        self.assertEqual({i.type.tensor_type.elem_type for i in model.graph.input}, {7})

    def test_deterministic_and_unknown_op(self):
        nodes, weights = sparse_graph()
        a, _ = self.convert(nodes, weights, [("y", "y")])
        b, _ = self.convert(nodes, weights, [("y", "y")])
        self.assertEqual(a.SerializeToString(), b.SerializeToString())
        nodes[-1]["op"] = "SegmentSum"
        with self.assertRaises(tfjs2onnx.ConversionError) as ctx:
            self.convert(nodes, weights, [("y", "y")])
        self.assertIn("'SegmentSum'", str(ctx.exception))
        self.assertIn("DYNAMIC_HANDLERS", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
