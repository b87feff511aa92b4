#!/usr/bin/python3
"""tfjs2onnx: translate a TensorFlow.js graph model (model.json + weight shards) to ONNX.

Usage:
    /usr/bin/python3 tools/convert/tfjs2onnx.py MODEL_DIR OUT.onnx \
        --input mel=model/Placeholder \
        --output activations=model/Sigmoid \
        --output embedding=model/dense/Relu \
        --output embedding_linear=model/dense/Relu:preact \
        [--fold-affine-matmul] [--no-affine-after-pool] [--opset 17]
    /usr/bin/python3 tools/convert/tfjs2onnx.py USE_DIR out.onnx --dynamic --int32-inputs \
        --input indices=indices --input values=values \
        --output embedding=module_apply_default/Encoder_en/hidden_layers/l2_normalize

Needs only Debian's python3-onnx (1.12, opset <= 17) and python3-numpy.

[SECTION] index
    1. Reading the TF.js model: model.json attributes, weightsManifest decoding (float32, int32,
       bool, string, uint8/uint16/float16 quantization).
    2. Value: one TF tensor, its static TF shape (None = dynamic), and the ONNX tensor(s) holding
       it, each in a known axis permutation ("layout"). TF.js graphs are NHWC; convolutions and
       pools are emitted in ONNX's native NCHW by requesting the permuted layout, and elementwise,
       pad, concat, squeeze, reduce ops follow whatever layout their input already has, so a graph
       region stays NCHW without per-op Transposes. A Transpose that only moves size-1 axes is
       emitted as a (copy-free) Reshape; a TF Transpose op is absorbed into the layout bookkeeping.
    3. Constant folding: ops whose inputs are all constant are evaluated with numpy; Shape of a
       tensor with a dynamic batch gives a symbolic vector, so Shape/StridedSlice/Pack -> Reshape
       chains fold to a constant Reshape target.
    4. Op handlers: HANDLERS maps a TF op name to a function(conv, node). Add a handler to support
       a new op. Unknown ops raise ConversionError naming the op and the node.
    5. Dynamic-shape graphs (--dynamic, DynamicConverter, DYNAMIC_HANDLERS): one TF op -> one
       or a few standard ONNX ops in TF axis order, shapes computed at run time, integers as
       int64. Used for the Universal Sentence Encoder lite (sparse token input, Where/ScatterNd/
       GatherNd, transformer). The layout-optimising converter of sections 2-4 is unchanged.
    6. Output: dead-node elimination from the requested outputs, public input/output names,
       deterministic serialization (same input -> same bytes).

Optimizations (all exact unless noted):
  * zero Pad feeding a VALID conv is folded into the Conv's pads;
  * a conv with one input channel whose kernel spans the whole input width is emitted as a conv
    with width-many input channels (the same arithmetic; avoids a transpose of its input);
  * a MaxPool/ReduceMax over whole axes becomes ReduceMax;
  * a per-channel affine x*s+b (the folded batch norms of these graphs) with s >= 0 that feeds a
    max pool is moved behind the pool (max(s*x+b) == s*max(x)+b bit-exactly for s >= 0), so the
    big conv outputs are not touched twice (--no-affine-after-pool disables it; in the musicnn
    graphs every batch norm has some negative scales, so it does not fire there);
  * --fold-affine-matmul: x*s+b feeding a MatMul with constant weights is folded into the weights
    (W' = diag(s) W, bias' = b W + bias). Changes rounding (not bit-exact); off by default.
"""

import argparse
import base64
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CONVERTER_NAME = "cuefinder-tfjs2onnx"
CONVERTER_VERSION = "1.0.0"


class ConversionError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# [SECTION] 1. Reading the TF.js model
# ---------------------------------------------------------------------------------------------

_TF_DTYPES = {
    "DT_FLOAT": np.float32, "DT_INT32": np.int32, "DT_BOOL": np.bool_, "DT_INT64": np.int64,
    "DT_STRING": object, "DT_HALF": np.float16, "DT_UINT8": np.uint8, "DT_INT8": np.int8,
}
_ONNX_DTYPES = {
    np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.int64): TensorProto.INT64, np.dtype(np.bool_): TensorProto.BOOL,
    np.dtype(np.float16): TensorProto.FLOAT16, np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.int8): TensorProto.INT8,
}


def _manifest_dtype(dtype):
    table = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "complex64": np.complex64}
    if dtype not in table:
        raise ConversionError(f"weightsManifest dtype '{dtype}' is not supported")
    return np.dtype(table[dtype])


def decode_weights(model_dir, manifest):
    """Returns {weight name: numpy array} from the weightsManifest groups and their shard files."""
    weights = {}
    for group in manifest:
        data = b""
        for path in group["paths"]:
            with open(os.path.join(model_dir, path), "rb") as f:
                data += f.read()
        offset = 0
        for spec in group["weights"]:
            shape = [int(d) for d in spec["shape"]]
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get("quantization")
            if spec["dtype"] == "string":
                items = []
                for _ in range(count):
                    n = int.from_bytes(data[offset:offset + 4], "little")
                    items.append(data[offset + 4:offset + 4 + n])
                    offset += 4 + n
                arr = np.array(items, dtype=object).reshape(shape)
            elif quant:
                qdtype = quant["dtype"]
                if qdtype == "float16":
                    arr = np.frombuffer(data, "<f2", count, offset).astype(np.float32)
                    offset += 2 * count
                elif qdtype in ("uint8", "uint16"):
                    qt = np.dtype("<u1" if qdtype == "uint8" else "<u2")
                    q = np.frombuffer(data, qt, count, offset)
                    offset += qt.itemsize * count
                    arr = (q.astype(np.float32) * np.float32(quant["scale"])
                           + np.float32(quant["min"])).astype(np.float32)
                else:
                    raise ConversionError(f"weight '{spec['name']}': quantization dtype '{qdtype}' "
                                          "is not supported")
                target = _manifest_dtype(spec["dtype"])
                if target == np.int32:
                    arr = np.round(arr)
                arr = arr.astype(target).reshape(shape)
            else:
                dt = _manifest_dtype(spec["dtype"]).newbyteorder("<")
                arr = np.frombuffer(data, dt, count, offset).reshape(shape).copy()
                offset += dt.itemsize * count
            weights[spec["name"]] = arr
        if offset != len(data):
            raise ConversionError(f"weight group {group['paths']}: decoded {offset} bytes of "
                                  f"{len(data)}")
    return weights


def attr(node, key, default=None):
    """Decodes one TF NodeDef attribute from the TF.js JSON form."""
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    if "list" in a:
        lst = a["list"]
        if "i" in lst:
            return [int(v) for v in lst["i"]]
        if "s" in lst:
            return [base64.b64decode(v).decode() for v in lst["s"]]
        if "f" in lst:
            return [float(v) for v in lst["f"]]
        return []
    if "s" in a:
        return base64.b64decode(a["s"]).decode()
    if "i" in a:
        return int(a["i"])
    if "f" in a:
        return float(a["f"])
    if "b" in a:
        return bool(a["b"])
    if "type" in a:
        return a["type"]
    if "shape" in a:
        return a["shape"]
    return default


# ---------------------------------------------------------------------------------------------
# [SECTION] 2. Values and layouts
# ---------------------------------------------------------------------------------------------

def _is_sym(d):
    return not isinstance(d, (int, np.integer))


class Value:
    """One TF tensor. shape: TF axis order, ints or a str symbol for a dynamic dim."""

    def __init__(self, shape, dtype=np.float32):
        self.shape = list(shape) if shape is not None else None
        self.dtype = np.dtype(dtype)
        self.const = None        # numpy array when known at conversion time
        self.sym = None          # list of ints/symbols: a 1-D int tensor with dynamic entries
        self.layouts = {}        # perm tuple -> onnx name; physical axis j = TF axis perm[j]
        self.primary = None      # the perm the producer emitted
        self.pad_of = None       # (tf name, [(before, after)] per TF axis): zero Pad of that value
        self.mul_of = None       # (tf name, const): value = src * const
        self.affine = None       # (tf name, scale, offset): value = src * scale + offset
        self.preact = None       # tf name of the pre-activation of a fused op

    @property
    def rank(self):
        return len(self.shape)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


class Converter:
    def __init__(self, topology, weights, opset=17, fold_affine_matmul=False,
                 affine_after_pool=True, batch_symbol="N"):
        self.nodes_by_name = {n["name"]: n for n in topology["node"]}
        self.weights = weights
        self.opset = opset
        self.fold_affine_matmul = fold_affine_matmul
        self.affine_after_pool = affine_after_pool
        self.batch_symbol = batch_symbol
        self.values = {}
        self.onnx_nodes = []
        self.initializers = {}
        self.graph_inputs = []
        self.input_names = {}      # tf placeholder name -> public name
        self.used_names = set()
        self.stats = {"transposes": 0, "reshape_transposes": 0}

    # -- naming ---------------------------------------------------------------------------------
    def fresh(self, hint):
        base = hint.replace(":", "_")
        name, k = base, 1
        while name in self.used_names:
            name = f"{base}__{k}"
            k += 1
        self.used_names.add(name)
        return name

    def emit(self, op, inputs, hint, **attrs):
        out = self.fresh(hint)
        self.onnx_nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def initializer(self, hint, array):
        array = np.ascontiguousarray(array)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        name = self.fresh(hint)
        self.initializers[name] = numpy_helper.from_array(array, name)
        return name

    def i64(self, hint, values):
        return self.initializer(hint, np.array(values, dtype=np.int64))

    # -- values ---------------------------------------------------------------------------------
    def value(self, ref):
        name = ref.split(":")[0] if not ref.startswith("^") else ref[1:]
        if ":" in ref and ref.split(":")[1] not in ("0",):
            raise ConversionError(f"multi-output reference '{ref}' is not supported")
        if name not in self.values:
            self.convert_node(name)
        return self.values[name]

    def set_value(self, tf_name, value, onnx_name=None, perm=None):
        if onnx_name is not None:
            perm = tuple(perm) if perm is not None else tuple(range(value.rank))
            value.layouts[perm] = onnx_name
            value.primary = perm
        self.values[tf_name] = value
        return value

    def set_const(self, tf_name, array):
        v = Value(array.shape, array.dtype)
        v.const = array
        return self.set_value(tf_name, v)

    def get(self, tf_name, perm=None):
        """ONNX name of TF tensor tf_name in layout perm (default: its primary layout)."""
        v = self.values[tf_name]
        if v.const is not None:
            p = tuple(perm) if perm is not None else tuple(range(v.const.ndim))
            if p not in v.layouts:
                arr = np.transpose(v.const, p) if v.const.ndim else v.const
                if arr.dtype == object:
                    raise ConversionError(f"string constant '{tf_name}' used as a tensor")
                v.layouts[p] = self.initializer(tf_name, arr)
            return v.layouts[p]
        if v.sym is not None and not v.layouts:
            raise ConversionError(f"'{tf_name}' depends on a dynamic dimension at runtime; "
                                  "dynamic shape arithmetic is not supported")
        if perm is None:
            return v.layouts[v.primary]
        perm = tuple(perm)
        if perm in v.layouts:
            return v.layouts[perm]
        src_perm = v.primary
        src = v.layouts[src_perm]
        # onnx_out axis j = TF axis perm[j]; TF axis a sits at src physical position inv_src[a].
        inv_src = _inverse(src_perm)
        onnx_perm = [inv_src[a] for a in perm]
        non1_src = [a for a in src_perm if v.shape[a] != 1]
        non1_dst = [a for a in perm if v.shape[a] != 1]
        if non1_src == non1_dst:
            # Only size-1 axes move: a Reshape (no data movement).
            target = []
            n_dyn = sum(1 for a in perm if _is_sym(v.shape[a]))
            for j, a in enumerate(perm):
                d = v.shape[a]
                if _is_sym(d):
                    same_pos = j < len(src_perm) and src_perm[j] == a
                    target.append(0 if same_pos else -1)
                else:
                    target.append(d)
            if target.count(-1) > 1 or n_dyn > 1 and -1 in target:
                raise ConversionError(f"cannot express relayout of '{tf_name}' as a Reshape")
            out = self.emit("Reshape", [src, self.i64(tf_name + "/relayout_shape", target)],
                            tf_name + "/relayout")
            self.stats["reshape_transposes"] += 1
        else:
            out = self.emit("Transpose", [src], tf_name + "/transpose", perm=onnx_perm)
            self.stats["transposes"] += 1
        v.layouts[perm] = out
        return out

    def physical_shape(self, v, perm):
        return [v.shape[a] for a in perm]

    # -- driving --------------------------------------------------------------------------------
    def convert_node(self, name):
        if name not in self.nodes_by_name:
            raise ConversionError(f"node '{name}' is referenced but not in the graph")
        node = self.nodes_by_name[name]
        op = node["op"]
        handler = HANDLERS.get(op)
        if handler is None:
            raise ConversionError(f"unsupported TF op '{op}' (node '{name}'); add a handler to "
                                  "HANDLERS in tools/convert/tfjs2onnx.py")
        inputs = [i for i in node.get("input", []) if not i.startswith("^")]
        vals = [self.value(i) for i in inputs]
        if op not in ("Placeholder",) and vals and all(v.const is not None for v in vals) \
                and op in FOLDERS:
            try:
                result = FOLDERS[op](self, node, [v.const for v in vals])
            except ConversionError:
                raise
            except Exception as e:  # noqa: BLE001 - report with context
                raise ConversionError(f"constant folding of '{name}' ({op}) failed: {e}")
            self.set_const(name, np.asarray(result))
            return
        try:
            handler(self, node, inputs)
        except ConversionError as e:
            if f"'{name}'" in str(e):
                raise
            raise ConversionError(f"node '{name}' ({op}): {e}")

    def convert(self, inputs, outputs):
        """inputs: [(public name, tf placeholder)], outputs: [(public name, tf ref)]."""
        for public, tf_name in inputs:
            self.input_names[tf_name] = public
        public_outputs = []
        for public, ref in outputs:
            tf_name, _, suffix = ref.partition(":")
            v = self.value(tf_name)
            if suffix == "preact":
                if v.preact is None:
                    raise ConversionError(f"'{tf_name}' has no fused activation, so no :preact")
                tf_name = v.preact
                v = self.values[tf_name]
            elif suffix:
                raise ConversionError(f"output '{ref}': unknown suffix ':{suffix}'")
            onnx_name = self.get(tf_name, tuple(range(v.rank)))
            public_outputs.append((public, onnx_name, v))
        return self.build(public_outputs)

    # -- output ---------------------------------------------------------------------------------
    def build(self, public_outputs):
        rename = {}
        extra_nodes = []
        producers = {n.output[0]: n for n in self.onnx_nodes}
        for public, onnx_name, v in public_outputs:
            if onnx_name in producers and onnx_name not in rename:
                rename[onnx_name] = public
            else:
                extra_nodes.append(helper.make_node("Identity", [rename.get(onnx_name, onnx_name)],
                                                    [public], name=public))
        nodes = []
        for n in self.onnx_nodes:
            n.input[:] = [rename.get(i, i) for i in n.input]
            n.output[:] = [rename.get(o, o) for o in n.output]
            nodes.append(n)
        nodes += extra_nodes
        # Dead-node elimination.
        needed = {public for public, _, _ in public_outputs}
        kept = []
        for n in reversed(nodes):
            if any(o in needed for o in n.output):
                kept.append(n)
                needed.update(i for i in n.input if i)
        kept.reverse()
        inits = [t for name, t in self.initializers.items() if name in needed]
        graph_inputs = [gi for gi in self.graph_inputs if gi.name in needed]

        def vinfo(name, v):
            dtype = _ONNX_DTYPES[np.dtype(v.dtype)]
            return helper.make_tensor_value_info(name, dtype, [d if not _is_sym(d) else d
                                                               for d in v.shape])
        outs = [vinfo(public, v) for public, _, v in public_outputs]
        graph = helper.make_graph(kept, "tfjs2onnx", graph_inputs, outs, inits)
        model = helper.make_model(graph, producer_name=CONVERTER_NAME,
                                  producer_version=CONVERTER_VERSION,
                                  opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


# ---------------------------------------------------------------------------------------------
# [SECTION] 3. Constant folding (numpy evaluators; also run on symbolic shape vectors)
# ---------------------------------------------------------------------------------------------

def _strided_slice(arr, begin, end, strides, node):
    begin_mask = attr(node, "begin_mask", 0)
    end_mask = attr(node, "end_mask", 0)
    shrink = attr(node, "shrink_axis_mask", 0)
    if attr(node, "ellipsis_mask", 0) or attr(node, "new_axis_mask", 0):
        raise ConversionError(f"StridedSlice '{node['name']}': ellipsis/new_axis masks not supported")
    index = []
    for i in range(len(begin)):
        if shrink & (1 << i):
            index.append(int(begin[i]))
            continue
        b = None if begin_mask & (1 << i) else int(begin[i])
        e = None if end_mask & (1 << i) else int(end[i])
        index.append(slice(b, e, int(strides[i])))
    return arr[tuple(index)]


def _fold_binary(fn):
    return lambda conv, node, a: fn(a[0], a[1]).astype(np.result_type(a[0], a[1]))


FOLDERS = {
    "Identity": lambda c, n, a: a[0],
    "StopGradient": lambda c, n, a: a[0],
    "Mul": _fold_binary(np.multiply),
    "Add": _fold_binary(np.add),
    "AddV2": _fold_binary(np.add),
    "Sub": _fold_binary(np.subtract),
    "Maximum": _fold_binary(np.maximum),
    "Minimum": _fold_binary(np.minimum),
    "Transpose": lambda c, n, a: np.transpose(a[0], [int(x) for x in a[1]]),
    "Reshape": lambda c, n, a: np.reshape(a[0], [int(x) for x in a[1]]),
    "ExpandDims": lambda c, n, a: np.expand_dims(a[0], int(a[1])),
    "Squeeze": lambda c, n, a: np.squeeze(a[0], tuple(attr(n, "squeeze_dims", []) or
                                                     [i for i, d in enumerate(a[0].shape) if d == 1])),
    "ConcatV2": lambda c, n, a: np.concatenate(a[:-1], int(a[-1])),
    "Pack": lambda c, n, a: np.stack(a, attr(n, "axis", 0)),
    "Shape": lambda c, n, a: np.array(a[0].shape, np.int32),
    "StridedSlice": lambda c, n, a: _strided_slice(a[0], a[1], a[2], a[3], n),
    "Cast": lambda c, n, a: a[0].astype(_TF_DTYPES[attr(n, "DstT")]),
}


# ---------------------------------------------------------------------------------------------
# [SECTION] 4. Op handlers
# ---------------------------------------------------------------------------------------------

def h_const(conv, node, inputs):
    name = node["name"]
    if name not in conv.weights:
        tensor = node.get("attr", {}).get("value", {}).get("tensor", {})
        raise ConversionError(f"Const '{name}' has no entry in the weightsManifest "
                              f"(inline tensor {json.dumps(tensor)[:80]})")
    conv.set_const(name, conv.weights[name])


def h_placeholder(conv, node, inputs):
    name = node["name"]
    public = conv.input_names.get(name)
    if public is None:
        raise ConversionError(f"Placeholder '{name}' is needed but not given with --input")
    shape_attr = attr(node, "shape") or {}
    dims = shape_attr.get("dim")
    if dims is None:
        raise ConversionError(f"Placeholder '{name}' has unknown rank")
    shape = []
    for i, d in enumerate(dims):
        size = int(d.get("size", -1))
        shape.append(conv.batch_symbol if size < 0 and i == 0 else
                     (f"d{i}" if size < 0 else size))
    dtype = _TF_DTYPES[attr(node, "dtype", "DT_FLOAT")]
    conv.graph_inputs.append(helper.make_tensor_value_info(public, _ONNX_DTYPES[np.dtype(dtype)],
                                                           shape))
    conv.used_names.add(public)
    conv.set_value(name, Value(shape, dtype), public)


def h_identity(conv, node, inputs):
    conv.values[node["name"]] = conv.values[inputs[0].split(":")[0]]


def _broadcast_shape(a, b):
    ra, rb = len(a), len(b)
    r = max(ra, rb)
    a = [1] * (r - ra) + list(a)
    b = [1] * (r - rb) + list(b)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        else:
            raise ConversionError(f"shapes {a} and {b} do not broadcast")
    return out


def _const_in_layout(const, rank, perm):
    """A TF-broadcastable constant, expanded to rank dims and permuted to perm (for ONNX)."""
    c = np.asarray(const)
    if c.size == 1:
        return c.reshape([1]) if c.ndim else c
    c = c.reshape([1] * (rank - c.ndim) + list(c.shape))
    return np.transpose(c, perm)


def emit_binary_const(conv, onnx_op, tf_name, x_name, const, const_first=False):
    """Emits onnx_op(x, const) in x's primary layout; returns (onnx name, perm)."""
    x = conv.values[x_name]
    perm = x.primary
    c = _const_in_layout(const, x.rank, perm)
    if c.dtype != x.dtype:
        c = c.astype(x.dtype)
    cname = conv.initializer(tf_name + "/const", c)
    ins = [cname, conv.get(x_name)] if const_first else [conv.get(x_name), cname]
    return conv.emit(onnx_op, ins, tf_name), perm


def make_binary(onnx_op):
    def handler(conv, node, inputs):
        name = node["name"]
        a, b = conv.value(inputs[0]), conv.value(inputs[1])
        an, bn = inputs[0].split(":")[0], inputs[1].split(":")[0]
        shape = _broadcast_shape(a.shape, b.shape)
        if (a.const is None) != (b.const is None):
            x_name, x, c, const_first = (an, a, b.const, False) if b.const is not None \
                else (bn, b, a.const, True)
            if x.rank < len(shape):
                raise ConversionError("constant of higher rank than the tensor operand")
            out, perm = emit_binary_const(conv, onnx_op, name, x_name, c, const_first)
            v = conv.set_value(name, Value(shape, x.dtype), out, perm)
            if onnx_op == "Mul":
                v.mul_of = (x_name, c)
            elif onnx_op == "Add" and x.mul_of is not None:
                v.affine = (x.mul_of[0], x.mul_of[1], c)
            return
        if a.rank == b.rank:
            perm = a.primary
        else:
            perm = tuple(range(len(shape)))
            if a.rank != len(shape) or b.rank != len(shape):
                raise ConversionError("rank-broadcasting between two runtime tensors not supported")
        out = conv.emit(onnx_op, [conv.get(an, perm), conv.get(bn, perm)], name)
        conv.set_value(name, Value(shape, a.dtype), out, perm)
    return handler


def make_unary(onnx_op):
    def handler(conv, node, inputs):
        x = conv.value(inputs[0])
        xn = inputs[0].split(":")[0]
        out = conv.emit(onnx_op, [conv.get(xn)], node["name"])
        conv.set_value(node["name"], Value(x.shape, x.dtype), out, x.primary)
    return handler


def h_rsqrt(conv, node, inputs):
    x = conv.value(inputs[0])
    xn = inputs[0].split(":")[0]
    s = conv.emit("Sqrt", [conv.get(xn)], node["name"] + "/sqrt")
    out = conv.emit("Reciprocal", [s], node["name"])
    conv.set_value(node["name"], Value(x.shape, x.dtype), out, x.primary)


def _emit_activation(conv, name, pre_onnx, activation, node):
    if activation == "Relu":
        return conv.emit("Relu", [pre_onnx], name)
    if activation == "Relu6":
        return conv.emit("Clip", [pre_onnx, conv.initializer(name + "/min", np.array(0, np.float32)),
                                  conv.initializer(name + "/max", np.array(6, np.float32))], name)
    if activation == "Elu":
        return conv.emit("Elu", [pre_onnx], name)
    if activation == "LeakyRelu":
        return conv.emit("LeakyRelu", [pre_onnx], name, alpha=attr(node, "leakyrelu_alpha", 0.2))
    if activation == "Sigmoid":
        return conv.emit("Sigmoid", [pre_onnx], name)
    if activation == "Tanh":
        return conv.emit("Tanh", [pre_onnx], name)
    raise ConversionError(f"fused activation '{activation}' not supported (node '{node['name']}')")


def _fused_ops(node):
    ops = attr(node, "fused_ops", []) or []
    if not ops:
        return None, None
    if ops[0] != "BiasAdd":
        raise ConversionError(f"fused ops {ops} not supported (only BiasAdd[+activation])")
    if len(ops) > 2:
        raise ConversionError(f"fused ops {ops} not supported")
    return "BiasAdd", (ops[1] if len(ops) == 2 else None)


def _same_pads(in_size, k, stride, dilation):
    eff = (k - 1) * dilation + 1
    out = -(-in_size // stride)
    total = max((out - 1) * stride + eff - in_size, 0)
    return total // 2, total - total // 2


def h_conv2d(conv, node, inputs):
    name = node["name"]
    if attr(node, "data_format", "NHWC") != "NHWC":
        raise ConversionError("only NHWC convolutions are supported")
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    kernel = conv.value(inputs[1]).const
    if kernel is None:
        raise ConversionError("convolution kernel must be a constant")
    bias_kind, activation = _fused_ops(node) if node["op"] == "_FusedConv2D" else (None, None)
    bias = conv.value(inputs[2]).const if bias_kind else None
    strides = attr(node, "strides", [1, 1, 1, 1])
    dil = attr(node, "dilations", [1, 1, 1, 1])
    padding = attr(node, "padding", "VALID")
    kh, kw, ci, co = kernel.shape
    pads = [[0, 0], [0, 0]]   # per spatial axis (H, W): before, after
    # Fold a preceding zero Pad on H/W into the conv.
    if x.pad_of is not None and padding in ("VALID", "SAME"):
        src_name, tf_pads = x.pad_of
        if tf_pads[0] == (0, 0) and tf_pads[3] == (0, 0):
            pads = [list(tf_pads[1]), list(tf_pads[2])]
            x_name = src_name
            x = conv.values[src_name]
    if padding == "SAME":
        for i, (size, k) in enumerate(((x.shape[1] + sum(pads[0]), kh), (x.shape[2] + sum(pads[1]), kw))):
            b, a = _same_pads(size, k, strides[1 + i], dil[1 + i])
            pads[i][0] += b
            pads[i][1] += a
    elif padding == "EXPLICIT":
        ep = attr(node, "explicit_paddings", [])
        pads[0][0] += ep[2]; pads[0][1] += ep[3]; pads[1][0] += ep[4]; pads[1][1] += ep[5]
    elif padding != "VALID":
        raise ConversionError(f"padding '{padding}' not supported")
    H, W = x.shape[1], x.shape[2]
    out_h = (H + sum(pads[0]) - ((kh - 1) * dil[1] + 1)) // strides[1] + 1
    out_w = (W + sum(pads[1]) - ((kw - 1) * dil[2] + 1)) // strides[2] + 1
    width_as_channels = (ci == 1 and kw == W and pads[1] == [0, 0] and strides[2] == 1
                         and dil[2] == 1 and x.shape[3] == 1)
    if width_as_channels:
        # [B,H,W,1] conv [kh,W,1,co] == [B,W(ch),H,1] conv [co,W,kh,1]: same sums, no transpose.
        in_perm = (0, 2, 1, 3)
        w = np.transpose(kernel[:, :, 0, :], (2, 1, 0))[:, :, :, None]
        onnx_pads = [pads[0][0], 0, pads[0][1], 0]
        kshape = [kh, 1]
        o_strides, o_dil = [strides[1], 1], [dil[1], 1]
    else:
        in_perm = (0, 3, 1, 2)
        w = np.transpose(kernel, (3, 2, 0, 1))
        onnx_pads = [pads[0][0], pads[1][0], pads[0][1], pads[1][1]]
        kshape = [kh, kw]
        o_strides, o_dil = [strides[1], strides[2]], [dil[1], dil[2]]
    ins = [conv.get(x_name, in_perm), conv.initializer(name + "/W", w.astype(np.float32))]
    if bias is not None:
        ins.append(conv.initializer(name + "/B", bias.astype(np.float32)))
    pre_name = name + ":preact" if activation else name
    out = conv.emit("Conv", ins, pre_name if activation else name, kernel_shape=kshape,
                    pads=onnx_pads, strides=o_strides, dilations=o_dil)
    shape = [x.shape[0], out_h, out_w, co]
    if activation:
        conv.set_value(pre_name, Value(shape), out, (0, 3, 1, 2))
        out = _emit_activation(conv, name, out, activation, node)
    v = conv.set_value(name, Value(shape), out, (0, 3, 1, 2))
    if activation:
        v.preact = pre_name


def _apply_affine_after(conv, name, pooled_onnx, pooled_value, perm, affine):
    """Emits pooled*scale+offset in layout perm (the affine moved behind a max pool)."""
    _, scale, offset = affine
    rank = pooled_value.rank
    s = conv.initializer(name + "/scale", _const_in_layout(scale, rank, perm).astype(np.float32))
    m = conv.emit("Mul", [pooled_onnx, s], name + "/mul")
    b = conv.initializer(name + "/offset", _const_in_layout(offset, rank, perm).astype(np.float32))
    return conv.emit("Add", [m, b], name)


def _affine_commutes_with_max(conv, x, reduced_axes):
    """True when x = src*s+b with s >= 0 and s, b constant along reduced_axes."""
    if not conv.affine_after_pool or x.affine is None:
        return False
    _, s, b = x.affine
    for c in (s, b):
        c = np.asarray(c)
        full = [1] * (x.rank - c.ndim) + list(c.shape)
        if any(full[a] != 1 for a in reduced_axes):
            return False
    return bool(np.all(np.asarray(s) >= 0))


def h_maxpool(conv, node, inputs):
    name = node["name"]
    if attr(node, "data_format", "NHWC") != "NHWC":
        raise ConversionError("only NHWC pooling is supported")
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    ks = attr(node, "ksize")
    st = attr(node, "strides")
    padding = attr(node, "padding", "VALID")
    if ks[0] != 1 or ks[3] != 1:
        raise ConversionError("pooling over batch/channels not supported")
    H, W = x.shape[1], x.shape[2]
    reduced = [a for a, (k, s, size) in zip((1, 2), zip(ks[1:3], st[1:3], (H, W)))
               if k == size and k > 1]
    move_affine = _affine_commutes_with_max(conv, x, [1, 2])
    src_name = x.affine[0] if move_affine else x_name
    src = conv.values[src_name]
    whole = all((k == 1 and s == 1) or (k == size) for k, s, size in zip(ks[1:3], st[1:3], (H, W)))
    if whole and padding == "VALID":
        # Max over whole axes: ReduceMax keeps rank (keepdims=1) in the source layout.
        perm = src.primary
        axes = [perm.index(a) for a in reduced]
        out = conv.emit("ReduceMax", [conv.get(src_name)], name if not move_affine else name + "/max",
                        axes=axes, keepdims=1)
        shape = [x.shape[0], 1 if 1 in reduced else H, 1 if 2 in reduced else W, x.shape[3]]
    else:
        perm = (0, 3, 1, 2)
        pads = [0, 0, 0, 0]
        if padding == "SAME":
            (b0, a0), (b1, a1) = _same_pads(H, ks[1], st[1], 1), _same_pads(W, ks[2], st[2], 1)
            pads = [b0, b1, a0, a1]
        out = conv.emit("MaxPool", [conv.get(src_name, perm)],
                        name if not move_affine else name + "/max",
                        kernel_shape=ks[1:3], strides=st[1:3], pads=pads)
        oh = (H + pads[0] + pads[2] - ks[1]) // st[1] + 1
        ow = (W + pads[1] + pads[3] - ks[2]) // st[2] + 1
        shape = [x.shape[0], oh, ow, x.shape[3]]
    if move_affine:
        out = _apply_affine_after(conv, name, out, Value(shape), perm, x.affine)
    conv.set_value(name, Value(shape), out, perm)


def _reduce_axes(conv, inputs):
    axes = conv.value(inputs[1]).const
    if axes is None:
        raise ConversionError("reduction axes must be constant")
    x = conv.value(inputs[0])
    return sorted({int(a) % x.rank for a in np.atleast_1d(axes)})


def make_reduce(onnx_op, commutes_with_affine=False):
    def handler(conv, node, inputs):
        name = node["name"]
        x_name = inputs[0].split(":")[0]
        x = conv.value(inputs[0])
        axes = _reduce_axes(conv, inputs)
        keep = bool(attr(node, "keep_dims", False))
        move_affine = commutes_with_affine and _affine_commutes_with_max(conv, x, axes)
        src_name = x.affine[0] if move_affine else x_name
        perm = conv.values[src_name].primary
        onnx_axes = sorted(perm.index(a) for a in axes)
        out = conv.emit(onnx_op, [conv.get(src_name)], name + ("/red" if move_affine else ""),
                        axes=onnx_axes, keepdims=1 if (keep or move_affine) else 0)
        kshape = [1 if a in axes else d for a, d in enumerate(x.shape)]
        if move_affine:
            out = _apply_affine_after(conv, name + ("" if keep else "/keep"), out, Value(kshape),
                                      perm, x.affine)
            if not keep:
                out = conv.emit("Squeeze", [out, conv.i64(name + "/axes", onnx_axes)], name)
        if keep:
            conv.set_value(name, Value(kshape, x.dtype), out, perm)
            return
        shape = [d for a, d in enumerate(x.shape) if a not in axes]
        remaining = [a for a in perm if a not in axes]
        renum = {a: i for i, a in enumerate(sorted(remaining))}
        conv.set_value(name, Value(shape, x.dtype), out, [renum[a] for a in remaining])
    return handler


def h_pad(conv, node, inputs):
    name = node["name"]
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    paddings = conv.value(inputs[1]).const
    if paddings is None:
        raise ConversionError("paddings must be constant")
    value = 0.0
    if node["op"] == "PadV2":
        cv = conv.value(inputs[2]).const
        if cv is None:
            raise ConversionError("pad value must be constant")
        value = float(cv)
    perm = x.primary
    tf_pads = [(int(b), int(a)) for b, a in paddings]
    onnx_pads = [tf_pads[a][0] for a in perm] + [tf_pads[a][1] for a in perm]
    ins = [conv.get(x_name), conv.i64(name + "/pads", onnx_pads)]
    if value != 0.0:
        ins.append(conv.initializer(name + "/value", np.array(value, x.dtype)))
    out = conv.emit("Pad", ins, name, mode="constant")
    shape = [d if _is_sym(d) else d + b + a for d, (b, a) in zip(x.shape, tf_pads)]
    v = conv.set_value(name, Value(shape, x.dtype), out, perm)
    if value == 0.0:
        v.pad_of = (x_name, tf_pads)


def h_mirror_pad(conv, node, inputs):
    raise ConversionError("MirrorPad is not supported yet")


def h_concat(conv, node, inputs):
    name = node["name"]
    vals = [conv.value(i) for i in inputs[:-1]]
    axis_v = conv.value(inputs[-1]).const
    if axis_v is None:
        raise ConversionError("concat axis must be constant")
    rank = vals[0].rank
    axis = int(axis_v) % rank
    if all(v.const is not None or v.sym is not None for v in vals) and \
            any(v.sym is not None for v in vals):
        items = []
        for v in vals:
            items += list(v.sym if v.sym is not None else v.const.tolist())
        out_v = Value([len(items)], np.int32)
        out_v.sym = items
        conv.values[name] = out_v
        return
    runtime = [v for v in vals if v.const is None]
    # Use the layout most inputs already have.
    counts = {}
    for v in runtime:
        counts[v.primary] = counts.get(v.primary, 0) + 1
    perm = max(counts.items(), key=lambda kv: (kv[1], kv[0] == runtime[0].primary))[0]
    names = [conv.get(i.split(":")[0], perm) for i in inputs[:-1]]
    out = conv.emit("Concat", names, name, axis=perm.index(axis))
    shape = list(vals[0].shape)
    shape[axis] = sum(v.shape[axis] for v in vals) if not any(_is_sym(v.shape[axis]) for v in vals) \
        else "concat_" + name
    conv.set_value(name, Value(shape, vals[0].dtype), out, perm)


def h_transpose(conv, node, inputs):
    name = node["name"]
    x = conv.value(inputs[0])
    tp = [int(p) for p in conv.value(inputs[1]).const]
    tp_inv = _inverse(tp)
    v = Value([x.shape[p] for p in tp], x.dtype)
    for perm, onnx_name in x.layouts.items():
        v.layouts[tuple(tp_inv[a] for a in perm)] = onnx_name
    v.primary = tuple(tp_inv[a] for a in x.primary)
    conv.values[name] = v


def _resolve_reshape_target(conv, x, target_v, what):
    if target_v.const is not None:
        target = [int(t) for t in target_v.const]
    elif target_v.sym is not None:
        target = list(target_v.sym)
    else:
        raise ConversionError(f"{what}: reshape target must fold to a constant")
    out, shape = [], []
    for j, t in enumerate(target):
        if _is_sym(t):
            if j < x.rank and x.shape[j] == t:
                out.append(0)
            else:
                out.append(-1)
            shape.append(t)
        else:
            out.append(t)
            shape.append(t)
    if out.count(-1) > 1:
        raise ConversionError(f"{what}: more than one unknown dimension in reshape target")
    if -1 in shape:
        known = int(np.prod([d for d in x.shape if not _is_sym(d)]))
        rest = int(np.prod([d for d in shape if not _is_sym(d) and d != -1]))
        if any(_is_sym(d) for d in x.shape):
            dyn = [d for d in x.shape if _is_sym(d)]
            other_dyn = [d for d in shape if _is_sym(d)]
            if len(dyn) == 1 and len(other_dyn) == 1 and dyn == other_dyn:
                shape[shape.index(-1)] = known // rest
            else:
                shape[shape.index(-1)] = "reshape_dim"
        else:
            shape[shape.index(-1)] = known // rest
    return out, shape


def h_reshape(conv, node, inputs):
    name = node["name"]
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    target, shape = _resolve_reshape_target(conv, x, conv.value(inputs[1]), name)
    ident = tuple(range(x.rank))
    out = conv.emit("Reshape", [conv.get(x_name, ident), conv.i64(name + "/shape", target)], name)
    conv.set_value(name, Value(shape, x.dtype), out)


def h_squeeze(conv, node, inputs):
    name = node["name"]
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    axes = attr(node, "squeeze_dims", []) or attr(node, "axis", []) or \
        [i for i, d in enumerate(x.shape) if d == 1]
    axes = sorted({a % x.rank for a in axes})
    if x.sym is not None:
        raise ConversionError("Squeeze of a symbolic shape vector")
    perm = x.primary
    onnx_axes = sorted(perm.index(a) for a in axes)
    out = conv.emit("Squeeze", [conv.get(x_name), conv.i64(name + "/axes", onnx_axes)], name)
    remaining = [a for a in perm if a not in axes]
    renum = {a: i for i, a in enumerate(sorted(remaining))}
    shape = [d for a, d in enumerate(x.shape) if a not in axes]
    conv.set_value(name, Value(shape, x.dtype), out, [renum[a] for a in remaining])


def h_expand_dims(conv, node, inputs):
    name = node["name"]
    x_name = inputs[0].split(":")[0]
    x = conv.value(inputs[0])
    axis = int(conv.value(inputs[1]).const)
    axis = axis % (x.rank + 1)
    # New size-1 axis at the physical end; TF axes >= axis shift by one.
    perm = [a + 1 if a >= axis else a for a in x.primary] + [axis]
    out = conv.emit("Unsqueeze", [conv.get(x_name), conv.i64(name + "/axes", [x.rank])], name)
    shape = list(x.shape)
    shape.insert(axis, 1)
    conv.set_value(name, Value(shape, x.dtype), out, perm)


def h_shape(conv, node, inputs):
    x = conv.value(inputs[0])
    if any(_is_sym(d) for d in x.shape):
        v = Value([x.rank], np.int32)
        v.sym = list(x.shape)
        conv.values[node["name"]] = v
    else:
        conv.set_const(node["name"], np.array(x.shape, np.int32))


def h_strided_slice(conv, node, inputs):
    x = conv.value(inputs[0])
    b, e, s = (conv.value(i).const for i in inputs[1:4])
    if x.sym is None or b is None or e is None or s is None:
        raise ConversionError("StridedSlice on a runtime tensor is not supported yet")
    res = _strided_slice(np.array(x.sym, dtype=object), b, e, s, node)
    if np.ndim(res) == 0:
        item = res.item() if hasattr(res, "item") else res
        if _is_sym(item):
            v = Value([], np.int32)
            v.sym = [item]
            v.scalar = True
            conv.values[node["name"]] = v
        else:
            conv.set_const(node["name"], np.array(item, np.int32))
    else:
        items = list(res)
        if any(_is_sym(i) for i in items):
            v = Value([len(items)], np.int32)
            v.sym = items
            conv.values[node["name"]] = v
        else:
            conv.set_const(node["name"], np.array(items, np.int32))


def h_pack(conv, node, inputs):
    vals = [conv.value(i) for i in inputs]
    if all(v.const is not None or v.sym is not None for v in vals) and \
            all(v.rank == 0 for v in vals):
        items = []
        for v in vals:
            items.append(v.sym[0] if v.sym is not None else int(v.const))
        out = Value([len(items)], np.int32)
        out.sym = items
        conv.values[node["name"]] = out
        return
    axis = attr(node, "axis", 0)
    names = []
    for i, v in zip(inputs, vals):
        vn = i.split(":")[0]
        ident = tuple(range(v.rank))
        names.append(conv.emit("Unsqueeze", [conv.get(vn, ident),
                                             conv.i64(node["name"] + "/axes", [axis])],
                               node["name"] + "/unsq"))
    out = conv.emit("Concat", names, node["name"], axis=axis)
    shape = list(vals[0].shape)
    shape.insert(axis % (vals[0].rank + 1), len(vals))
    conv.set_value(node["name"], Value(shape, vals[0].dtype), out)


def h_matmul(conv, node, inputs):
    name = node["name"]
    a_name = inputs[0].split(":")[0]
    a = conv.value(inputs[0])
    b = conv.value(inputs[1])
    ta, tb = attr(node, "transpose_a", False), attr(node, "transpose_b", False)
    bias_kind, activation = _fused_ops(node) if node["op"] == "_FusedMatMul" else (None, None)
    bias = conv.value(inputs[2]).const if bias_kind else None
    if bias_kind and bias is None:
        raise ConversionError("bias must be constant")
    if a.rank != 2 or b.rank != 2:
        raise ConversionError("only 2-D MatMul is supported")
    pre_name = name + ":preact" if activation else name
    if b.const is not None:
        w = b.const.T if tb else b.const
        w = w.astype(np.float32)
        if conv.fold_affine_matmul and a.affine is not None and not ta:
            src, s, off = a.affine
            s = np.broadcast_to(np.asarray(s, np.float32).reshape(-1), (w.shape[0],))
            off = np.broadcast_to(np.asarray(off, np.float32).reshape(-1), (w.shape[0],))
            b64 = (bias.astype(np.float64) if bias is not None else 0.0) + \
                off.astype(np.float64) @ w.astype(np.float64)
            w = (s.astype(np.float64)[:, None] * w.astype(np.float64)).astype(np.float32)
            bias = np.asarray(b64, np.float32).reshape(-1) * np.ones(w.shape[1], np.float32)
            a_name, a = src, conv.values[src]
        ins = [conv.get(a_name, (0, 1)), conv.initializer(name + "/W", w)]
        if bias is not None:
            ins.append(conv.initializer(name + "/B", bias.astype(np.float32)))
        out = conv.emit("Gemm", ins, pre_name, transA=1 if ta else 0)
        n_out = w.shape[1]
    else:
        a_in = conv.get(a_name, (1, 0) if ta else (0, 1))
        b_in = conv.get(inputs[1].split(":")[0], (1, 0) if tb else (0, 1))
        out = conv.emit("MatMul", [a_in, b_in], pre_name + ("/mm" if bias is not None else ""))
        if bias is not None:
            out = conv.emit("Add", [out, conv.initializer(name + "/B", bias)], pre_name)
        n_out = b.shape[0] if tb else b.shape[1]
    shape = [a.shape[1] if ta else a.shape[0], n_out]
    if activation:
        conv.set_value(pre_name, Value(shape), out)
        out = _emit_activation(conv, name, out, activation, node)
    v = conv.set_value(name, Value(shape), out)
    if activation:
        v.preact = pre_name


def h_bias_add(conv, node, inputs):
    make_binary("Add")(conv, node, inputs)


HANDLERS = {
    "Const": h_const,
    "Placeholder": h_placeholder,
    "Identity": h_identity,
    "StopGradient": h_identity,
    "Mul": make_binary("Mul"),
    "Add": make_binary("Add"),
    "AddV2": make_binary("Add"),
    "BiasAdd": h_bias_add,
    "Sub": make_binary("Sub"),
    "RealDiv": make_binary("Div"),
    "Maximum": make_binary("Max"),
    "Minimum": make_binary("Min"),
    "Relu": make_unary("Relu"),
    "Sigmoid": make_unary("Sigmoid"),
    "Tanh": make_unary("Tanh"),
    "Exp": make_unary("Exp"),
    "Log": make_unary("Log"),
    "Sqrt": make_unary("Sqrt"),
    "Neg": make_unary("Neg"),
    "Abs": make_unary("Abs"),
    "Rsqrt": h_rsqrt,
    "Conv2D": h_conv2d,
    "_FusedConv2D": h_conv2d,
    "MaxPool": h_maxpool,
    "Max": make_reduce("ReduceMax", commutes_with_affine=True),
    "Mean": make_reduce("ReduceMean"),
    "Min": make_reduce("ReduceMin"),
    "Pad": h_pad,
    "PadV2": h_pad,
    "MirrorPad": h_mirror_pad,
    "ConcatV2": h_concat,
    "Transpose": h_transpose,
    "Reshape": h_reshape,
    "Squeeze": h_squeeze,
    "ExpandDims": h_expand_dims,
    "Shape": h_shape,
    "StridedSlice": h_strided_slice,
    "Pack": h_pack,
    "MatMul": h_matmul,
    "_FusedMatMul": h_matmul,
}


# ---------------------------------------------------------------------------------------------
# [SECTION] 5. Dynamic-shape graphs (--dynamic): the sentence encoder's sparse/transformer graph
# ---------------------------------------------------------------------------------------------
# The Universal Sentence Encoder lite graph has two dynamic axes (batch and sequence length)
# and computes shapes at run time (Where -> ScatterNd -> GatherNd, Shape -> Prod -> Reshape,
# Range). DynamicConverter maps each TF op one to one onto standard ONNX ops in TF's own axis
# order, with shape arithmetic emitted as ONNX ops (no layout bookkeeping, no symbolic shapes).
# Every integer tensor is int64 in ONNX (Shape, NonZero, ScatterND and GatherND want int64; the
# graph's int32 arithmetic on token ids and positions stays exact in int64); public int inputs
# keep their declared TF width or the --int32-inputs width and are cast once. Constant
# subgraphs fold with the numpy evaluators of section 3. The musicnn converter above is not
# touched by this path.

_TF_ENUM_DTYPES = {1: np.float32, 3: np.int32, 9: np.int64, 10: np.bool_}
_INT64_MAX = np.iinfo(np.int64).max
_INT64_MIN = np.iinfo(np.int64).min


def _tf_dtype(code):
    if isinstance(code, str):
        return np.dtype(_TF_DTYPES[code])
    if code not in _TF_ENUM_DTYPES:
        raise ConversionError(f"TF dtype enum {code} is not supported")
    return np.dtype(_TF_ENUM_DTYPES[code])


def _onnx_dtype(dt):
    """ONNX element type for a TF dtype, with int32 widened to int64."""
    dt = np.dtype(dt)
    if dt == np.int32:
        dt = np.dtype(np.int64)
    return _ONNX_DTYPES[dt]


class DVal:
    """A TF tensor in the dynamic converter: an ONNX name or a numpy constant, and its dtype."""

    def __init__(self, name=None, const=None, dtype=np.float32):
        self.name = name
        self.const = const
        self.dtype = np.dtype(dtype)


_DFOLD = dict(FOLDERS)
_DFOLD.update({
    "Prod": lambda c, n, a: np.prod(a[0], axis=tuple(np.atleast_1d(a[1]).tolist()),
                                    keepdims=bool(attr(n, "keep_dims", False))).astype(a[0].dtype),
    "GatherV2": lambda c, n, a: np.take(a[0], a[1], axis=int(a[2])),
    "Cast": lambda c, n, a: a[0].astype(_tf_dtype(attr(n, "DstT"))),
})


class DynamicConverter:
    def __init__(self, topology, weights, opset=17, int32_inputs=False):
        self.nodes_by_name = {n["name"]: n for n in topology["node"]}
        self.weights = weights
        self.opset = opset
        self.int32_inputs = int32_inputs
        self.values = {}
        self.onnx_nodes = []
        self.initializers = {}
        self.graph_inputs = []
        self.input_names = {}
        self.used_names = set()
        self.stats = {"transposes": 0, "reshape_transposes": 0}
        self.output_shapes = {}   # public name -> declared shape (default [batch, dim])

    fresh = Converter.fresh

    def emit(self, op, inputs, hint, n_out=1, **attrs):
        outs = [self.fresh(hint if k == 0 else f"{hint}:{k}") for k in range(n_out)]
        self.onnx_nodes.append(helper.make_node(op, inputs, outs, name=outs[0], **attrs))
        return outs[0] if n_out == 1 else outs

    def initializer(self, hint, array):
        # (np.ascontiguousarray would turn a 0-d scalar into shape [1].)
        array = np.array(array, order="C")
        if array.dtype == np.int32:
            array = array.astype(np.int64)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        name = self.fresh(hint)
        self.initializers[name] = numpy_helper.from_array(array, name)
        return name

    def i64(self, hint, values):
        return self.initializer(hint, np.array(values, dtype=np.int64))

    def val(self, ref):
        name, _, idx = ref.partition(":")
        key = name if idx in ("", "0") else f"{name}:{idx}"
        if key not in self.values:
            self.convert_node(name)
        if key not in self.values:
            raise ConversionError(f"output '{ref}' was not produced")
        return self.values[key]

    def name_of(self, ref):
        """ONNX name of a TF tensor (constants become initializers on first use)."""
        v = self.val(ref)
        if v.name is None:
            if v.const.dtype == object:
                raise ConversionError(f"string constant '{ref}' used as a tensor")
            v.name = self.initializer(ref.split(":")[0], v.const)
        return v.name

    def const_of(self, ref, what):
        v = self.val(ref)
        if v.const is None:
            raise ConversionError(f"{what} ('{ref}') must be a constant")
        return v.const

    def convert_node(self, name):
        if name not in self.nodes_by_name:
            raise ConversionError(f"node '{name}' is referenced but not in the graph")
        node = self.nodes_by_name[name]
        op = node["op"]
        handler = DYNAMIC_HANDLERS.get(op)
        if handler is None:
            raise ConversionError(f"unsupported TF op '{op}' (node '{name}') in --dynamic mode; "
                                  "add a handler to DYNAMIC_HANDLERS in tools/convert/tfjs2onnx.py")
        inputs = [i for i in node.get("input", []) if not i.startswith("^")]
        vals = [self.val(i) for i in inputs]
        if vals and op in _DFOLD and all(v.const is not None for v in vals):
            try:
                result = np.asarray(_DFOLD[op](self, node, [v.const for v in vals]))
            except Exception as e:  # noqa: BLE001 - report with context
                raise ConversionError(f"constant folding of '{name}' ({op}) failed: {e}")
            self.values[name] = DVal(const=result, dtype=result.dtype)
            return
        try:
            handler(self, node, inputs)
        except ConversionError as e:
            if f"'{name}'" in str(e):
                raise
            raise ConversionError(f"node '{name}' ({op}): {e}")

    def convert(self, inputs, outputs):
        for public, tf_name in inputs:
            self.input_names[tf_name] = public
        self.used_names.update(public for public, _ in outputs)  # TF names may clash with them
        outs = []
        for public, ref in outputs:
            v = self.val(ref)
            outs.append((public, self.name_of(ref), v))
        return self.build(outs)

    def build(self, public_outputs):
        nodes = list(self.onnx_nodes)
        for public, onnx_name, _ in public_outputs:
            nodes.append(helper.make_node("Identity", [onnx_name], [public], name=public))
        needed = {public for public, _, _ in public_outputs}
        kept = []
        for n in reversed(nodes):
            if any(o in needed for o in n.output):
                kept.append(n)
                needed.update(i for i in n.input if i)
        kept.reverse()
        inits = [t for name, t in self.initializers.items() if name in needed]
        graph_inputs = [gi for gi in self.graph_inputs if gi.name in needed]
        outs = [helper.make_tensor_value_info(public, _onnx_dtype(v.dtype), self.output_shapes
                                              .get(public, ["batch", "dim"]))
                for public, _, v in public_outputs]
        graph = helper.make_graph(kept, "tfjs2onnx", graph_inputs, outs, inits)
        model = helper.make_model(graph, producer_name=CONVERTER_NAME,
                                  producer_version=CONVERTER_VERSION,
                                  opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model

    def out(self, node, onnx_name, dtype):
        self.values[node["name"]] = DVal(onnx_name, dtype=dtype)


def _dt(conv, ref):
    return conv.val(ref).dtype


def d_const(conv, node, inputs):
    name = node["name"]
    if name not in conv.weights:
        raise ConversionError(f"Const '{name}' has no entry in the weightsManifest")
    arr = conv.weights[name]
    conv.values[name] = DVal(const=arr, dtype=arr.dtype)


def d_placeholder(conv, node, inputs):
    name = node["name"]
    public = conv.input_names.get(name)
    if public is None:
        raise ConversionError(f"Placeholder '{name}' is needed but not given with --input")
    dims = (attr(node, "shape") or {}).get("dim")
    if dims is None:
        raise ConversionError(f"Placeholder '{name}' has unknown rank")
    shape = [int(d.get("size", -1)) for d in dims]
    shape = [f"{public}_d{i}" if d < 0 else d for i, d in enumerate(shape)]
    dtype = _tf_dtype(attr(node, "dtype", 1))
    if np.issubdtype(dtype, np.integer):
        public_dtype = np.int32 if conv.int32_inputs else dtype
        conv.graph_inputs.append(helper.make_tensor_value_info(
            public, _ONNX_DTYPES[np.dtype(public_dtype)], shape))
        conv.used_names.add(public)
        onnx_name = public
        if np.dtype(public_dtype) != np.int64:
            onnx_name = conv.emit("Cast", [public], public + "/int64", to=TensorProto.INT64)
        conv.out(node, onnx_name, np.int64)
    else:
        conv.graph_inputs.append(helper.make_tensor_value_info(
            public, _ONNX_DTYPES[np.dtype(dtype)], shape))
        conv.used_names.add(public)
        conv.out(node, public, dtype)


def d_identity(conv, node, inputs):
    conv.values[node["name"]] = conv.val(inputs[0])


def d_binary(onnx_op):
    def handler(conv, node, inputs):
        a, b = conv.name_of(inputs[0]), conv.name_of(inputs[1])
        dtype = np.bool_ if onnx_op in ("Less", "Greater", "Equal") else _dt(conv, inputs[0])
        conv.out(node, conv.emit(onnx_op, [a, b], node["name"]), dtype)
    return handler


def d_unary(onnx_op):
    def handler(conv, node, inputs):
        conv.out(node, conv.emit(onnx_op, [conv.name_of(inputs[0])], node["name"]),
                 _dt(conv, inputs[0]))
    return handler


def d_square(conv, node, inputs):
    x = conv.name_of(inputs[0])
    conv.out(node, conv.emit("Mul", [x, x], node["name"]), _dt(conv, inputs[0]))


def d_rsqrt(conv, node, inputs):
    s = conv.emit("Sqrt", [conv.name_of(inputs[0])], node["name"] + "/sqrt")
    conv.out(node, conv.emit("Reciprocal", [s], node["name"]), _dt(conv, inputs[0]))


def d_cast(conv, node, inputs):
    dst = _tf_dtype(attr(node, "DstT"))
    if dst == _dt(conv, inputs[0]) or (np.issubdtype(dst, np.integer) and
                                       np.issubdtype(_dt(conv, inputs[0]), np.integer)):
        conv.values[node["name"]] = DVal(conv.name_of(inputs[0]), dtype=np.int64
                                         if np.issubdtype(dst, np.integer) else dst)
        return
    conv.out(node, conv.emit("Cast", [conv.name_of(inputs[0])], node["name"],
                             to=_onnx_dtype(dst)), np.int64 if dst == np.int32 else dst)


def d_where(conv, node, inputs):
    if len(inputs) != 1:
        raise ConversionError("only the one-input Where (coordinates of true elements)")
    nz = conv.emit("NonZero", [conv.name_of(inputs[0])], node["name"] + "/nonzero")
    conv.out(node, conv.emit("Transpose", [nz], node["name"], perm=[1, 0]), np.int64)


def d_reshape(conv, node, inputs):
    # TF's Reshape treats 0 as a real zero-size dimension: allowzero=1.
    conv.out(node, conv.emit("Reshape", [conv.name_of(inputs[0]), conv.name_of(inputs[1])],
                             node["name"], allowzero=1), _dt(conv, inputs[0]))


def d_gather(conv, node, inputs):
    axis = int(conv.const_of(inputs[2], "gather axis"))
    conv.out(node, conv.emit("Gather", [conv.name_of(inputs[0]), conv.name_of(inputs[1])],
                             node["name"], axis=axis), _dt(conv, inputs[0]))


def d_gather_nd(conv, node, inputs):
    conv.out(node, conv.emit("GatherND", [conv.name_of(inputs[0]), conv.name_of(inputs[1])],
                             node["name"]), _dt(conv, inputs[0]))


def d_reduce(onnx_op):
    def handler(conv, node, inputs):
        axes = [int(a) for a in np.atleast_1d(conv.const_of(inputs[1], "reduction axes"))]
        keep = 1 if attr(node, "keep_dims", False) else 0
        x = conv.name_of(inputs[0])
        if onnx_op == "ReduceSum":  # axes is an input from opset 13
            out = conv.emit(onnx_op, [x, conv.i64(node["name"] + "/axes", axes)], node["name"],
                            keepdims=keep)
        else:
            out = conv.emit(onnx_op, [x], node["name"], axes=axes, keepdims=keep)
        conv.out(node, out, _dt(conv, inputs[0]))
    return handler


def d_shape(conv, node, inputs):
    conv.out(node, conv.emit("Shape", [conv.name_of(inputs[0])], node["name"]), np.int64)


def d_strided_slice(conv, node, inputs):
    begin, end, strides = (np.atleast_1d(conv.const_of(i, "StridedSlice bounds"))
                           for i in inputs[1:4])
    if attr(node, "ellipsis_mask", 0) or attr(node, "new_axis_mask", 0):
        raise ConversionError("ellipsis/new_axis masks are not supported")
    begin_mask, end_mask = attr(node, "begin_mask", 0), attr(node, "end_mask", 0)
    shrink = attr(node, "shrink_axis_mask", 0)
    starts, ends, steps, squeeze = [], [], [], []
    for i in range(len(begin)):
        s = int(strides[i])
        if shrink & (1 << i):
            b = int(begin[i])
            starts.append(b)
            ends.append(_INT64_MAX if b == -1 else b + 1)
            steps.append(1)
            squeeze.append(i)
            continue
        starts.append((0 if s > 0 else _INT64_MAX) if begin_mask & (1 << i) else int(begin[i]))
        ends.append((_INT64_MAX if s > 0 else _INT64_MIN) if end_mask & (1 << i) else int(end[i]))
        steps.append(s)
    n = node["name"]
    out = conv.emit("Slice", [conv.name_of(inputs[0]), conv.i64(n + "/starts", starts),
                              conv.i64(n + "/ends", ends),
                              conv.i64(n + "/axes", list(range(len(begin)))),
                              conv.i64(n + "/steps", steps)], n + ("/slice" if squeeze else ""))
    if squeeze:
        out = conv.emit("Squeeze", [out, conv.i64(n + "/squeeze_axes", squeeze)], n)
    conv.out(node, out, _dt(conv, inputs[0]))


def d_slice(conv, node, inputs):
    begin = np.atleast_1d(conv.const_of(inputs[1], "Slice begin")).astype(np.int64)
    size = np.atleast_1d(conv.const_of(inputs[2], "Slice size")).astype(np.int64)
    ends = [_INT64_MAX if s == -1 else int(b + s) for b, s in zip(begin, size)]
    n = node["name"]
    conv.out(node, conv.emit("Slice", [conv.name_of(inputs[0]), conv.i64(n + "/starts", begin),
                                       conv.i64(n + "/ends", ends),
                                       conv.i64(n + "/axes", list(range(len(begin))))], n),
             _dt(conv, inputs[0]))


def d_concat(conv, node, inputs):
    axis = int(conv.const_of(inputs[-1], "concat axis"))
    names = [conv.name_of(i) for i in inputs[:-1]]
    conv.out(node, conv.emit("Concat", names, node["name"], axis=axis), _dt(conv, inputs[0]))


def d_pack(conv, node, inputs):
    axis = attr(node, "axis", 0)
    n = node["name"]
    parts = [conv.emit("Unsqueeze", [conv.name_of(i), conv.i64(n + "/axes", [axis])], n + "/unsq")
             for i in inputs]
    conv.out(node, conv.emit("Concat", parts, n, axis=axis), _dt(conv, inputs[0]))


def d_expand_dims(conv, node, inputs):
    axis = int(conv.const_of(inputs[1], "ExpandDims axis"))
    n = node["name"]
    conv.out(node, conv.emit("Unsqueeze", [conv.name_of(inputs[0]), conv.i64(n + "/axes", [axis])],
                             n), _dt(conv, inputs[0]))


def d_squeeze(conv, node, inputs):
    axes = attr(node, "squeeze_dims", []) or attr(node, "axis", [])
    if not axes:
        raise ConversionError("Squeeze without explicit axes needs static shapes")
    n = node["name"]
    conv.out(node, conv.emit("Squeeze", [conv.name_of(inputs[0]), conv.i64(n + "/axes", axes)], n),
             _dt(conv, inputs[0]))


def d_transpose(conv, node, inputs):
    perm = [int(p) for p in conv.const_of(inputs[1], "Transpose perm")]
    conv.out(node, conv.emit("Transpose", [conv.name_of(inputs[0])], node["name"], perm=perm),
             _dt(conv, inputs[0]))


def d_matmul(conv, node, inputs):
    n = node["name"]
    ta = attr(node, "transpose_a", False) or attr(node, "adj_x", False)
    tb = attr(node, "transpose_b", False) or attr(node, "adj_y", False)
    ins = []
    for ref, t in ((inputs[0], ta), (inputs[1], tb)):
        v = conv.val(ref)
        if t and v.const is not None and v.const.ndim == 2:
            ins.append(conv.initializer(ref + "/T", v.const.T))
        elif t:
            # Swap the last two axes: BatchMatMul (rank 4 here) and MatMul (rank 2).
            rank = 2 if node["op"] == "MatMul" else 4
            perm = list(range(rank - 2)) + [rank - 1, rank - 2]
            ins.append(conv.emit("Transpose", [conv.name_of(ref)], n + "/adj", perm=perm))
        else:
            ins.append(conv.name_of(ref))
    conv.out(node, conv.emit("MatMul", ins, n), np.float32)


def _str_attr(node, key, default):
    """A string attribute; this graph's JSON stores some as byte lists ("s": [78, 72, ...])."""
    a = node.get("attr", {}).get(key)
    if a is None or "s" not in a:
        return default
    return bytes(a["s"]).decode() if isinstance(a["s"], list) else attr(node, key, default)


def d_conv2d_1x1(conv, node, inputs):
    # The encoder's "convolutions" are 1x1, stride 1, NHWC: a MatMul over the channel axis.
    w = conv.const_of(inputs[1], "Conv2D kernel")
    strides, dil = attr(node, "strides", [1, 1, 1, 1]), attr(node, "dilations", [1, 1, 1, 1])
    if _str_attr(node, "data_format", "NHWC") != "NHWC" or w.shape[:2] != (1, 1) or \
            any(s != 1 for s in strides) or any(d != 1 for d in dil):
        raise ConversionError("only 1x1, stride-1 NHWC Conv2D is supported in --dynamic mode")
    wn = conv.initializer(node["name"] + "/W", w.reshape(w.shape[2], w.shape[3]))
    conv.out(node, conv.emit("MatMul", [conv.name_of(inputs[0]), wn], node["name"]), np.float32)


def d_split_v(conv, node, inputs):
    sizes = [int(s) for s in conv.const_of(inputs[1], "SplitV sizes")]
    axis = int(conv.const_of(inputs[2], "SplitV axis"))
    if any(s < 0 for s in sizes):
        raise ConversionError("SplitV with an inferred (-1) size is not supported")
    n = node["name"]
    outs = conv.emit("Split", [conv.name_of(inputs[0]), conv.i64(n + "/split", sizes)], n,
                     n_out=len(sizes), axis=axis)
    for k, o in enumerate(outs):
        conv.values[n if k == 0 else f"{n}:{k}"] = DVal(o, dtype=_dt(conv, inputs[0]))


def d_softmax(conv, node, inputs):
    conv.out(node, conv.emit("Softmax", [conv.name_of(inputs[0])], node["name"], axis=-1),
             np.float32)


def d_range(conv, node, inputs):
    conv.out(node, conv.emit("Range", [conv.name_of(i) for i in inputs], node["name"]),
             _dt(conv, inputs[0]))


def d_sparse_to_dense(conv, node, inputs):
    # SparseToDense(indices [n,r], shape [r], values [n] or scalar, default) = ScatterND into a
    # default-filled tensor (TF rejects repeated indices with validate_indices, so no reduction).
    idx, shape, values, default = inputs
    n = node["name"]
    base = conv.emit("Expand", [conv.name_of(default), conv.name_of(shape)], n + "/default")
    ind = conv.name_of(idx)
    if conv.val(idx).const is not None and conv.val(idx).const.ndim == 1:
        raise ConversionError("1-D SparseToDense indices are not supported")
    conv.out(node, conv.emit("ScatterND", [base, ind, conv.name_of(values)], n),
             _dt(conv, values))


def d_scatter_nd(conv, node, inputs):
    # TF ScatterNd sums updates into zeros: ScatterND(reduction=add) on ConstantOfShape(0).
    idx, updates, shape = inputs
    n = node["name"]
    dtype = _dt(conv, updates)
    zero = numpy_helper.from_array(np.zeros([1], np.float32 if dtype == np.float32 else np.int64))
    base = conv.emit("ConstantOfShape", [conv.name_of(shape)], n + "/zeros", value=zero)
    conv.out(node, conv.emit("ScatterND", [base, conv.name_of(idx), conv.name_of(updates)], n,
                             reduction="add"), dtype)


DYNAMIC_HANDLERS = {
    "Const": d_const,
    "Placeholder": d_placeholder,
    "Identity": d_identity,
    "StopGradient": d_identity,
    "Add": d_binary("Add"),
    "AddV2": d_binary("Add"),
    "BiasAdd": d_binary("Add"),
    "Sub": d_binary("Sub"),
    "Mul": d_binary("Mul"),
    "RealDiv": d_binary("Div"),
    "Maximum": d_binary("Max"),
    "Minimum": d_binary("Min"),
    "Less": d_binary("Less"),
    "Greater": d_binary("Greater"),
    "LogicalNot": d_unary("Not"),
    "Relu": d_unary("Relu"),
    "Tanh": d_unary("Tanh"),
    "Sin": d_unary("Sin"),
    "Cos": d_unary("Cos"),
    "Square": d_square,
    "Rsqrt": d_rsqrt,
    "Cast": d_cast,
    "Where": d_where,
    "Reshape": d_reshape,
    "GatherV2": d_gather,
    "GatherNd": d_gather_nd,
    "Max": d_reduce("ReduceMax"),
    "Mean": d_reduce("ReduceMean"),
    "Sum": d_reduce("ReduceSum"),
    "Prod": d_reduce("ReduceProd"),
    "Shape": d_shape,
    "StridedSlice": d_strided_slice,
    "Slice": d_slice,
    "ConcatV2": d_concat,
    "Pack": d_pack,
    "ExpandDims": d_expand_dims,
    "Squeeze": d_squeeze,
    "Transpose": d_transpose,
    "MatMul": d_matmul,
    "BatchMatMul": d_matmul,
    "BatchMatMulV2": d_matmul,
    "Conv2D": d_conv2d_1x1,
    "SplitV": d_split_v,
    "Softmax": d_softmax,
    "Range": d_range,
    "SparseToDense": d_sparse_to_dense,
    "ScatterNd": d_scatter_nd,
}


# ---------------------------------------------------------------------------------------------
# [SECTION] 6. Command line
# ---------------------------------------------------------------------------------------------

def convert_model(model_dir, inputs, outputs, opset=17, fold_affine_matmul=False,
                  affine_after_pool=True, dynamic=False, int32_inputs=False):
    with open(os.path.join(model_dir, "model.json"), "rb") as f:
        model_json = json.loads(f.read())
    if model_json.get("format") not in ("graph-model", None):
        raise ConversionError(f"{model_dir}: format '{model_json.get('format')}' is not a "
                              "TF.js graph model")
    weights = decode_weights(model_dir, model_json["weightsManifest"])
    if dynamic:
        conv = DynamicConverter(model_json["modelTopology"], weights, opset=opset,
                                int32_inputs=int32_inputs)
    else:
        conv = Converter(model_json["modelTopology"], weights, opset=opset,
                         fold_affine_matmul=fold_affine_matmul,
                         affine_after_pool=affine_after_pool)
    model = conv.convert(inputs, outputs)
    return model, conv.stats


def _pairs(items, what):
    out = []
    for item in items:
        public, sep, tf_name = item.partition("=")
        if not sep:
            raise SystemExit(f"--{what} wants PUBLIC=tf_node, got '{item}'")
        out.append((public, tf_name))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model_dir")
    p.add_argument("out")
    p.add_argument("--input", action="append", required=True, help="PUBLIC=tf_placeholder")
    p.add_argument("--output", action="append", required=True,
                   help="PUBLIC=tf_node[:preact] (':preact' = before the fused activation)")
    p.add_argument("--opset", type=int, default=17, choices=range(13, 18),
                   help="ONNX opset, 13..17 (Debian python3-onnx 1.12 knows up to 17)")
    p.add_argument("--fold-affine-matmul", action="store_true")
    p.add_argument("--no-affine-after-pool", action="store_true")
    p.add_argument("--dynamic", action="store_true",
                   help="one-to-one translation with run-time shapes (section 5; for graphs with "
                        "several dynamic axes, e.g. the sentence encoder)")
    p.add_argument("--int32-inputs", action="store_true",
                   help="with --dynamic: integer graph inputs are int32 (cast to int64 inside)")
    args = p.parse_args(argv)
    try:
        model, stats = convert_model(args.model_dir, _pairs(args.input, "input"),
                                     _pairs(args.output, "output"), args.opset,
                                     args.fold_affine_matmul, not args.no_affine_after_pool,
                                     args.dynamic, args.int32_inputs)
    except ConversionError as e:
        print(f"tfjs2onnx: {args.model_dir}: {e}", file=sys.stderr)
        return 1
    data = model.SerializeToString()
    with open(args.out, "wb") as f:
        f.write(data)
    ops = {}
    for n in model.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print(f"tfjs2onnx: wrote {args.out} ({len(data)} bytes, sha256 "
          f"{hashlib.sha256(data).hexdigest()[:16]}…, nodes {dict(sorted(ops.items()))}, "
          f"transposes {stats['transposes']}, relayout reshapes {stats['reshape_transposes']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
