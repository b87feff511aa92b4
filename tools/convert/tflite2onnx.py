#!/usr/bin/python3
"""tflite2onnx: translate a quantized (uint8) TensorFlow Lite image classifier to ONNX.

Usage:
    /usr/bin/python3 tools/convert/tflite2onnx.py MODEL.tflite OUT_DIR [--labels LABELS.txt]
        -> OUT_DIR/model_float.onnx   weights dequantized to float32, float activations
           OUT_DIR/model_wq.onnx      weight-only quantization: uint8 weights + DequantizeLinear,
                                      float activations (the float model's arithmetic at a
                                      quarter of its size)
           OUT_DIR/model_qdq.onnx     QDQ format: uint8 weights + DequantizeLinear, float Conv/Add/
                                      AveragePool/Softmax each followed by QuantizeLinear ->
                                      DequantizeLinear with the TFLite tensor's (scale, zero point)
           OUT_DIR/manifest.json, OUT_DIR/labels.txt (when --labels is given)
           OUT_DIR/model_qlinear.onnx (with --qlinear): QLinearConv + com.microsoft QLinearAdd /
                                      QLinearGlobalAveragePool on uint8 tensors

Needs only Debian's python3-onnx (1.12, opset 17) and python3-numpy. The flatbuffer is read by
the small reader below (written from the FlatBuffers binary format; no flatbuffers package).

[SECTION] index
    1. FlatBuffer reader: tables, vtables, vectors, strings, unions (read-only, bounds-checked).
    2. TFLite schema accessors: the fields of Model, SubGraph, Tensor, Buffer, Operator,
       OperatorCode, QuantizationParameters and the builtin options this converter handles
       (field numbers from tensorflow/lite/schema/schema.fbs), decoded into plain dicts.
    3. ONNX emission: the variants share one walk over the operators; `Emitter` decides whether
       a weight is a float32 initializer or uint8 + DequantizeLinear (wq, qdq) and whether an
       activation crosses as float (float, wq) or as a QuantizeLinear/DequantizeLinear pair (qdq).

Contract of the ONNX files (the same for every variant):
    input  `image`          uint8  [1, 224, 224, 3]  RGB, NHWC, the TFLite input bytes unchanged
    output `probabilities`  float32 [1, 1001]        softmax (QDQ: on TFLite's 1/256 grid)
    output `logits`         float32 [1, 1001]        the dequantized input of the softmax
Every variant dequantizes the input with the TFLite input quantization: x = (u8 - zp) * scale.

Supported operators: CONV_2D, DEPTHWISE_CONV_2D (fused NONE/RELU/RELU6), ADD, AVERAGE_POOL_2D,
MAX_POOL_2D, RESHAPE, SQUEEZE, SOFTMAX. Anything else raises ConversionError naming the op.
"""

import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CONVERTER_NAME = "cuefinder-tflite2onnx"
CONVERTER_VERSION = "1.0.0"


class ConversionError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# [SECTION] 1. FlatBuffer reader
# ---------------------------------------------------------------------------------------------
# ref: FlatBuffers "Internals" (binary format): a buffer starts with a uoffset (u32) to the root
# table; a table starts with an soffset (i32) back to its vtable (vtable = table - soffset); a
# vtable is [u16 vtable bytes, u16 table bytes, u16 field offset...] where offset 0 = field absent
# (default value); references (tables, vectors, strings) are u32 offsets relative to where they
# are stored; a vector is [u32 count, elements...]; a string is a vector of bytes (+ NUL). A
# union is two fields: the type (u8) at slot n and the table reference at slot n+1.

class Table:
    __slots__ = ("buf", "pos", "vt", "vt_len")

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        if pos + 4 > len(buf):
            raise ConversionError(f"flatbuffer: table at {pos} is outside the file")
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        if not 0 <= self.vt <= len(buf) - 4:
            raise ConversionError(f"flatbuffer: vtable of table at {pos} is outside the file")
        self.vt_len = struct.unpack_from("<H", buf, self.vt)[0]

    def _field(self, slot):
        off = 4 + 2 * slot
        if off >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + off)[0]

    def has(self, slot):
        return self._field(slot) != 0

    def scalar(self, slot, fmt, default=0):
        o = self._field(slot)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + o)[0] if o else default

    def _ref(self, slot):
        o = self._field(slot)
        if not o:
            return None
        at = self.pos + o
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, slot):
        at = self._ref(slot)
        return Table(self.buf, at) if at is not None else None

    def vector_raw(self, slot):
        """(start of elements, count) or None."""
        at = self._ref(slot)
        if at is None:
            return None
        n = struct.unpack_from("<I", self.buf, at)[0]
        return at + 4, n

    def vector(self, slot, dtype):
        v = self.vector_raw(slot)
        if v is None:
            return None
        start, n = v
        dt = np.dtype(dtype).newbyteorder("<")
        if start + n * dt.itemsize > len(self.buf):
            raise ConversionError(f"flatbuffer: vector at {start} runs past the end of the file")
        return np.frombuffer(self.buf, dt, n, start)

    def tables(self, slot):
        v = self.vector_raw(slot)
        if v is None:
            return []
        start, n = v
        out = []
        for i in range(n):
            at = start + 4 * i
            out.append(Table(self.buf, at + struct.unpack_from("<I", self.buf, at)[0]))
        return out

    def string(self, slot):
        v = self.vector_raw(slot)
        if v is None:
            return None
        start, n = v
        return bytes(self.buf[start:start + n]).decode("utf-8", "replace")


def root_table(buf, ident=None):
    if len(buf) < 8:
        raise ConversionError("flatbuffer: file too short")
    if ident is not None and bytes(buf[4:8]) != ident:
        raise ConversionError(f"flatbuffer: file identifier {bytes(buf[4:8])!r}, expected {ident!r}")
    return Table(buf, struct.unpack_from("<I", buf, 0)[0])


# ---------------------------------------------------------------------------------------------
# [SECTION] 2. TFLite schema (tensorflow/lite/schema/schema.fbs, the fields used here)
# ---------------------------------------------------------------------------------------------

BUILTIN = {0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D",
           4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE", 9: "FULLY_CONNECTED", 14: "LOGISTIC",
           17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE",
           25: "SOFTMAX", 34: "PAD", 40: "MEAN", 43: "SQUEEZE", 114: "QUANTIZE"}
TENSOR_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64,
                6: np.bool_, 7: np.int16, 9: np.int8}
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH"}
PADDING = {0: "SAME", 1: "VALID"}


def _options(op_name, t):
    """Builtin options table -> dict (defaults as in schema.fbs)."""
    if op_name == "CONV_2D":  # Conv2DOptions
        return dict(padding=PADDING[t.scalar(0, "b")], stride_w=t.scalar(1, "i"),
                    stride_h=t.scalar(2, "i"), activation=ACTIVATIONS[t.scalar(3, "b")],
                    dilation_w=t.scalar(4, "i", 1), dilation_h=t.scalar(5, "i", 1))
    if op_name == "DEPTHWISE_CONV_2D":  # DepthwiseConv2DOptions
        return dict(padding=PADDING[t.scalar(0, "b")], stride_w=t.scalar(1, "i"),
                    stride_h=t.scalar(2, "i"), depth_multiplier=t.scalar(3, "i"),
                    activation=ACTIVATIONS[t.scalar(4, "b")],
                    dilation_w=t.scalar(5, "i", 1), dilation_h=t.scalar(6, "i", 1))
    if op_name in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):  # Pool2DOptions
        return dict(padding=PADDING[t.scalar(0, "b")], stride_w=t.scalar(1, "i"),
                    stride_h=t.scalar(2, "i"), filter_w=t.scalar(3, "i"),
                    filter_h=t.scalar(4, "i"), activation=ACTIVATIONS[t.scalar(5, "b")])
    if op_name in ("ADD", "MUL"):  # AddOptions / MulOptions
        return dict(activation=ACTIVATIONS[t.scalar(0, "b")])
    if op_name == "RESHAPE":  # ReshapeOptions
        ns = t.vector(0, np.int32)
        return dict(new_shape=None if ns is None else [int(x) for x in ns])
    if op_name == "SOFTMAX":  # SoftmaxOptions
        return dict(beta=t.scalar(0, "f", 0.0))
    if op_name == "SQUEEZE":  # SqueezeOptions
        d = t.vector(0, np.int32)
        return dict(squeeze_dims=[] if d is None else [int(x) for x in d])
    return {}


def read_tflite(path):
    """Parses a .tflite file into plain Python: {'tensors': [...], 'operators': [...],
    'inputs': [...], 'outputs': [...], 'description': str}. Tensor dicts hold name, shape,
    dtype, data (numpy array for constant tensors, else None) and quantization (scale,
    zero_point arrays, quantized_dimension) or None."""
    with open(path, "rb") as f:
        buf = f.read()
    model = root_table(buf, b"TFL3")
    version = model.scalar(0, "I")
    if version != 3:
        raise ConversionError(f"{path}: TFLite schema version {version}, expected 3")
    op_codes = []
    for oc in model.tables(1):  # OperatorCode
        code = max(oc.scalar(0, "b"), oc.scalar(3, "i"))  # deprecated_builtin_code, builtin_code
        op_codes.append(BUILTIN.get(code, f"BUILTIN_{code}") if code != 32 else
                        "CUSTOM:" + (oc.string(1) or "?"))
    buffers = []
    for b in model.tables(4):  # Buffer
        d = b.vector(0, np.uint8)
        if d is None and (b.scalar(1, "Q") or b.scalar(2, "Q")):
            raise ConversionError(f"{path}: buffers stored outside the flatbuffer are not supported")
        buffers.append(d)
    subgraphs = model.tables(2)
    if len(subgraphs) != 1:
        raise ConversionError(f"{path}: {len(subgraphs)} subgraphs, expected 1")
    sg = subgraphs[0]
    tensors = []
    for i, t in enumerate(sg.tables(0)):  # Tensor
        ttype = t.scalar(1, "b")
        if ttype not in TENSOR_TYPES:
            raise ConversionError(f"{path}: tensor {i} has unsupported TFLite type {ttype}")
        dtype = np.dtype(TENSOR_TYPES[ttype])
        shape = [int(x) for x in (t.vector(0, np.int32) if t.has(0) else [])]
        raw = buffers[t.scalar(2, "I")] if t.scalar(2, "I") < len(buffers) else None
        data = None
        if raw is not None and len(raw):
            data = np.frombuffer(raw.tobytes(), dtype.newbyteorder("<")).astype(dtype).reshape(shape)
        q = None
        qt = t.table(4)  # QuantizationParameters
        if qt is not None and qt.has(2):
            scale = np.array(qt.vector(2, np.float32), np.float32)
            zp = np.array(qt.vector(3, np.int64), np.int64) if qt.has(3) else \
                np.zeros_like(scale, np.int64)
            q = dict(scale=scale, zero_point=zp, quantized_dimension=qt.scalar(6, "i"))
        tensors.append(dict(index=i, name=t.string(3) or f"t{i}", shape=shape, dtype=dtype,
                            data=data, quant=q))
    operators = []
    for i, op in enumerate(sg.tables(3)):  # Operator
        name = op_codes[op.scalar(0, "I")]
        ins = [int(x) for x in op.vector(1, np.int32)]
        outs = [int(x) for x in op.vector(2, np.int32)]
        opt = op.table(4) if op.scalar(3, "B") else None
        operators.append(dict(index=i, op=name, inputs=ins, outputs=outs,
                              options=_options(name, opt) if opt is not None else
                              _options_default(name)))
    return dict(tensors=tensors, operators=operators,
                inputs=[int(x) for x in sg.vector(1, np.int32)],
                outputs=[int(x) for x in sg.vector(2, np.int32)],
                description=model.string(3) or "")


def _options_default(op_name):
    if op_name == "RESHAPE":
        return dict(new_shape=None)
    if op_name == "SOFTMAX":
        return dict(beta=1.0)
    return dict(activation="NONE")


def same_padding(in_size, k, stride, dilation=1):
    """TFLite SAME padding: (before, after, out_size); the extra pixel goes after."""
    ek = (k - 1) * dilation + 1
    out = (in_size + stride - 1) // stride
    total = max((out - 1) * stride + ek - in_size, 0)
    return total // 2, total - total // 2, out


def scalar_quant(t):
    q = t["quant"]
    if q is None:
        raise ConversionError(f"tensor '{t['name']}' is not quantized")
    return q["scale"], q["zero_point"]


# ---------------------------------------------------------------------------------------------
# [SECTION] 3. ONNX emission
# ---------------------------------------------------------------------------------------------

class Emitter:
    """Builds one ONNX graph. mode = 'float' or 'qdq'. Activations are NCHW float tensors in
    ONNX; in QDQ mode every TFLite activation tensor is materialized as
    DequantizeLinear(QuantizeLinear(x)), so ORT's QDQ transformer can fuse the pattern."""

    def __init__(self, m, mode):
        self.m, self.mode = m, mode
        self.nodes, self.inits, self.names = [], [], set()
        self.value = {}  # TFLite tensor index -> ONNX float tensor name (NCHW for 4-D)

    def uniq(self, base):
        base = base.replace(":", "_")
        name, k = base, 1
        while name in self.names:
            k += 1
            name = f"{base}_{k}"
        self.names.add(name)
        return name

    def init(self, base, arr):
        name = self.uniq(base)
        self.inits.append(numpy_helper.from_array(np.array(arr, copy=True, order="C"), name))
        return name

    def node(self, op, ins, base, **attrs):
        out = self.uniq(base)
        self.nodes.append(helper.make_node(op, ins, [out], name=out + "/" + op, **attrs))
        return out

    def qparams(self, t, base):
        s, zp = scalar_quant(t)
        dt = np.uint8 if t["dtype"] == np.uint8 else (np.int8 if t["dtype"] == np.int8 else np.int32)
        if len(s) == 1:
            return self.init(base + "/scale", np.float32(s[0])), \
                self.init(base + "/zero_point", dt(zp[0]))
        return self.init(base + "/scale", s.astype(np.float32)), \
            self.init(base + "/zero_point", zp.astype(dt))

    def requant(self, x, t):
        """QDQ mode: Q -> DQ with tensor t's quantization; float mode: unchanged."""
        if self.mode != "qdq":
            return x
        tag = f"t{t['index']}"
        s, z = self.qparams(t, tag)
        q = self.node("QuantizeLinear", [x, s, z], tag + "/q")
        return self.node("DequantizeLinear", [q, s, z], tag + "/dq")

    def weight(self, t, arr_u8, base, axis=None):
        """Dequantized constant: float32 initializer (float) or uint8 + DequantizeLinear."""
        s, zp = scalar_quant(t)
        if t["dtype"] not in (np.uint8, np.int8, np.int32):
            raise ConversionError(f"tensor '{t['name']}': constant of type {t['dtype']}")
        if self.mode == "float" or (self.mode == "wq" and t["dtype"] == np.int32):
            shape = [1] * arr_u8.ndim
            if len(s) > 1:
                shape[axis] = -1
            f = (arr_u8.astype(np.float64) - zp.reshape(shape)) * s.astype(np.float64).reshape(shape)
            return self.init(base, f.astype(np.float32))
        raw = self.init(base + "/quantized", arr_u8)
        sn, zn = self.qparams(t, base)
        attrs = {"axis": axis} if len(s) > 1 else {}
        return self.node("DequantizeLinear", [raw, sn, zn], base, **attrs)

    def activation(self, x, act, out_t, base):
        """Fused activation. In QDQ mode the clip is emitted only where the output quantization
        does not already saturate at the activation's bounds (RELU6 over a [0, 6] range is
        the usual case and costs nothing)."""
        if act == "NONE":
            return x
        lo, hi = {"RELU": (0.0, None), "RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0)}.get(
            act, (None, None))
        if lo is None and hi is None:
            raise ConversionError(f"fused activation {act} is not supported")
        if self.mode == "qdq":
            s, zp = scalar_quant(out_t)
            qmin, qmax = (0, 255) if out_t["dtype"] == np.uint8 else (-128, 127)
            rlo, rhi = (qmin - zp[0]) * s[0], (qmax - zp[0]) * s[0]
            need_lo = lo is not None and rlo < lo - 1e-6 * abs(s[0])
            need_hi = hi is not None and rhi > hi + 1e-6 * abs(s[0])
            if not need_lo and not need_hi:
                return x
        ins = [x, self.init(base + "/clip_min", np.float32(lo if lo is not None else -np.inf))]
        if hi is not None:
            ins.append(self.init(base + "/clip_max", np.float32(hi)))
        return self.node("Clip", ins, base + "/" + act.lower())


def _conv_pads(in_shape, k_h, k_w, o):
    if o["padding"] == "VALID":
        return [0, 0, 0, 0]
    t, b, _ = same_padding(in_shape[1], k_h, o["stride_h"], o.get("dilation_h", 1))
    l, r, _ = same_padding(in_shape[2], k_w, o["stride_w"], o.get("dilation_w", 1))
    return [t, l, b, r]


def build_onnx(m, mode, opset=17):
    if mode not in ("float", "qdq", "wq"):
        raise ValueError(mode)
    e = Emitter(m, mode)
    T = m["tensors"]
    if len(m["inputs"]) != 1 or len(m["outputs"]) != 1:
        raise ConversionError("expected one input and one output")
    tin = T[m["inputs"][0]]
    if tin["dtype"] != np.uint8 or len(tin["shape"]) != 4:
        raise ConversionError(f"input '{tin['name']}' is {tin['dtype']} {tin['shape']}, "
                              "expected uint8 NHWC")
    s, z = e.qparams(tin, "image")
    x = e.node("DequantizeLinear", ["image", s, z], "image/dequantized")
    e.value[tin["index"]] = e.node("Transpose", [x], "image/nchw", perm=[0, 3, 1, 2])
    logits = None

    for op in m["operators"]:
        name, o = op["op"], op["options"]
        ins = [T[i] for i in op["inputs"] if i >= 0]
        out_t = T[op["outputs"][0]]
        base = f"t{out_t['index']}_{name.lower()}"
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            xt, wt = ins[0], ins[1]
            bt = ins[2] if len(ins) > 2 else None
            w = wt["data"]
            if w is None:
                raise ConversionError(f"{name} '{base}': non-constant filter")
            if name == "CONV_2D":  # [O, kh, kw, I] -> [O, I, kh, kw]
                wo = np.transpose(w, (0, 3, 1, 2))
                group = 1
            else:  # [1, kh, kw, C*mult] -> [C*mult, 1, kh, kw]
                wo = np.transpose(w, (3, 0, 1, 2))
                group = xt["shape"][3]
                if o["depth_multiplier"] * group != w.shape[3]:
                    raise ConversionError(f"{name} '{base}': depth multiplier mismatch")
            qd = wt["quant"]["quantized_dimension"] if wt["quant"] else 0
            w_axis = 0 if name == "CONV_2D" or qd in (0, 3) else qd
            wn = e.weight(wt, wo, base + "/W", axis=w_axis)
            conv_ins = [e.value[xt["index"]], wn]
            if bt is not None:
                if bt["data"] is None:
                    raise ConversionError(f"{name} '{base}': non-constant bias")
                conv_ins.append(e.weight(bt, bt["data"], base + "/B", axis=0))
            kh, kw = w.shape[1], w.shape[2]
            y = e.node("Conv", conv_ins, base + "/conv", group=group,
                       kernel_shape=[kh, kw], strides=[o["stride_h"], o["stride_w"]],
                       dilations=[o["dilation_h"], o["dilation_w"]],
                       pads=_conv_pads(xt["shape"], kh, kw, o))
            y = e.activation(y, o["activation"], out_t, base)
            e.value[out_t["index"]] = e.requant(y, out_t)
        elif name == "ADD":
            y = e.node("Add", [e.value[ins[0]["index"]], e.value[ins[1]["index"]]], base + "/add")
            y = e.activation(y, o["activation"], out_t, base)
            e.value[out_t["index"]] = e.requant(y, out_t)
        elif name in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            xt = ins[0]
            h, w_ = xt["shape"][1], xt["shape"][2]
            if o["padding"] == "VALID" and (o["filter_h"], o["filter_w"]) == (h, w_):
                y = e.node("GlobalAveragePool" if name == "AVERAGE_POOL_2D" else "GlobalMaxPool",
                           [e.value[xt["index"]]], base + "/pool")
            else:
                # TFLite averages over the valid pixels only = ONNX's default count_include_pad 0
                y = e.node("AveragePool" if name == "AVERAGE_POOL_2D" else "MaxPool",
                           [e.value[xt["index"]]], base + "/pool",
                           kernel_shape=[o["filter_h"], o["filter_w"]],
                           strides=[o["stride_h"], o["stride_w"]],
                           pads=_conv_pads(xt["shape"], o["filter_h"], o["filter_w"], o))
            y = e.activation(y, o["activation"], out_t, base)
            if name == "AVERAGE_POOL_2D":
                y = e.requant(y, out_t)
            e.value[out_t["index"]] = y
        elif name in ("RESHAPE", "SQUEEZE"):
            xt = ins[0]
            shp = list(out_t["shape"])
            x = e.value[xt["index"]]
            if len(xt["shape"]) == 4 and len(shp) == 4:
                raise ConversionError(f"{name} '{base}': 4-D -> 4-D reshape is not supported")
            if len(xt["shape"]) == 4 and not (xt["shape"][1] == xt["shape"][2] == 1):
                # NHWC order matters: go back to NHWC before flattening
                x = e.node("Transpose", [x], base + "/nhwc", perm=[0, 2, 3, 1])
            e.value[out_t["index"]] = e.node(
                "Reshape", [x, e.init(base + "/shape", np.array(shp, np.int64))], base + "/reshape")
        elif name == "SOFTMAX":
            xt = ins[0]
            if len(xt["shape"]) != 2:
                raise ConversionError(f"SOFTMAX '{base}': rank {len(xt['shape'])}, expected 2")
            logits = e.value[xt["index"]]
            x = logits
            if o["beta"] != 1.0:
                x = e.node("Mul", [x, e.init(base + "/beta", np.float32(o["beta"]))], base + "/beta")
            y = e.node("Softmax", [x], base + "/softmax", axis=-1)
            e.value[out_t["index"]] = e.requant(y, out_t)
        else:
            raise ConversionError(f"operator {op['index']} {name} (output '{base}') is not supported")

    tout = T[m["outputs"][0]]
    if logits is None:
        raise ConversionError("the graph does not end in SOFTMAX")
    n_cls = tout["shape"][-1]
    e.nodes.append(helper.make_node("Identity", [e.value[tout["index"]]], ["probabilities"],
                                    name="probabilities/Identity"))
    e.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits/Identity"))
    graph = helper.make_graph(
        e.nodes, f"mobilenet_{mode}",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, list(tin["shape"]))],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, n_cls]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, n_cls])],
        e.inits)
    model = helper.make_model(graph, producer_name=CONVERTER_NAME,
                              producer_version=CONVERTER_VERSION,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_onnx_qlinear(m, opset=17):
    """Third variant: explicit quantized operators on uint8 tensors. QLinearConv is standard
    ONNX; QLinearAdd and QLinearGlobalAveragePool are ONNX Runtime contrib ops (domain
    com.microsoft, present in onnxruntime-web's wasm build). Softmax runs in float between
    DequantizeLinear and QuantizeLinear. Fused activations must be implied by the output
    quantization range (true for every RELU6 in MobileNet v2), else ConversionError."""
    e = Emitter(m, "qdq")
    T = m["tensors"]
    tin = T[m["inputs"][0]]
    qp = {}

    def q(t):
        if t["index"] not in qp:
            qp[t["index"]] = e.qparams(t, f"t{t['index']}")
        return qp[t["index"]]

    e.value[tin["index"]] = e.node("Transpose", ["image"], "image/nchw", perm=[0, 3, 1, 2])
    logits = None
    for op in m["operators"]:
        name, o = op["op"], op["options"]
        ins = [T[i] for i in op["inputs"] if i >= 0]
        out_t = T[op["outputs"][0]]
        base = f"t{out_t['index']}_{name.lower()}"
        if o.get("activation", "NONE") != "NONE":
            marker = e.activation("x", o["activation"], out_t, base)
            if marker != "x":
                raise ConversionError(f"{name} '{base}': activation {o['activation']} is not "
                                      "implied by the output quantization")
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            xt, wt, bt = ins[0], ins[1], ins[2]
            w = wt["data"]
            if len(wt["quant"]["scale"]) != 1:
                raise ConversionError(f"{name} '{base}': per-channel weights not supported here")
            if name == "CONV_2D":
                wo, group = np.transpose(w, (0, 3, 1, 2)), 1
            else:
                wo, group = np.transpose(w, (3, 0, 1, 2)), xt["shape"][3]
            ws, wz = e.qparams(wt, base + "/W")
            xs, xz = q(xt)
            ys, yz = q(out_t)
            kh, kw = w.shape[1], w.shape[2]
            e.value[out_t["index"]] = e.node(
                "QLinearConv", [e.value[xt["index"]], xs, xz, e.init(base + "/W", wo), ws, wz,
                                ys, yz, e.init(base + "/B", bt["data"].astype(np.int32))],
                base, group=group, kernel_shape=[kh, kw],
                strides=[o["stride_h"], o["stride_w"]],
                dilations=[o["dilation_h"], o["dilation_w"]],
                pads=_conv_pads(xt["shape"], kh, kw, o))
        elif name == "ADD":
            a, b = ins
            e.value[out_t["index"]] = e.node(
                "QLinearAdd", [e.value[a["index"]], *q(a), e.value[b["index"]], *q(b), *q(out_t)],
                base, domain="com.microsoft")
        elif name == "AVERAGE_POOL_2D":
            xt = ins[0]
            if not (o["padding"] == "VALID" and
                    (o["filter_h"], o["filter_w"]) == tuple(xt["shape"][1:3])):
                raise ConversionError(f"{name} '{base}': only global pooling is supported here")
            e.value[out_t["index"]] = e.node(
                "QLinearGlobalAveragePool", [e.value[xt["index"]], *q(xt), *q(out_t)], base,
                domain="com.microsoft", channels_last=0)
        elif name in ("RESHAPE", "SQUEEZE"):
            xt = ins[0]
            if not (len(xt["shape"]) == 4 and xt["shape"][1] == xt["shape"][2] == 1):
                raise ConversionError(f"{name} '{base}': only [N,1,1,C] -> [N,C] is supported")
            e.value[out_t["index"]] = e.node(
                "Reshape", [e.value[xt["index"]],
                            e.init(base + "/shape", np.array(out_t["shape"], np.int64))], base)
        elif name == "SOFTMAX":
            xt = ins[0]
            logits = e.node("DequantizeLinear", [e.value[xt["index"]], *q(xt)], base + "/logits")
            x = logits
            if o["beta"] != 1.0:
                x = e.node("Mul", [x, e.init(base + "/beta", np.float32(o["beta"]))], base + "/beta")
            y = e.node("Softmax", [x], base + "/softmax", axis=-1)
            y = e.node("QuantizeLinear", [y, *q(out_t)], base + "/q")
            e.value[out_t["index"]] = e.node("DequantizeLinear", [y, *q(out_t)], base + "/dq")
        else:
            raise ConversionError(f"operator {op['index']} {name} (output '{base}') is not supported")
    tout = T[m["outputs"][0]]
    if logits is None:
        raise ConversionError("the graph does not end in SOFTMAX")
    n_cls = tout["shape"][-1]
    e.nodes.append(helper.make_node("Identity", [e.value[tout["index"]]], ["probabilities"],
                                    name="probabilities/Identity"))
    e.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits/Identity"))
    graph = helper.make_graph(
        e.nodes, "mobilenet_qlinear",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, list(tin["shape"]))],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, n_cls]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, n_cls])],
        e.inits)
    model = helper.make_model(graph, producer_name=CONVERTER_NAME,
                              producer_version=CONVERTER_VERSION,
                              opset_imports=[helper.make_opsetid("", opset),
                                             helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    onnx.checker.check_model(model)  # contrib ops are not checked (unknown domain)
    return model


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tflite")
    p.add_argument("out_dir")
    p.add_argument("--labels", help="labels file (one per line) to copy as labels.txt")
    p.add_argument("--source", default="", help="upstream provenance string for the manifest")
    p.add_argument("--license", default="", help="license string for the manifest")
    p.add_argument("--license-file", help="license text to copy next to the models")
    p.add_argument("--qlinear", action="store_true",
                   help="also write model_qlinear.onnx (QLinearConv + com.microsoft ops)")
    args = p.parse_args(argv)
    try:
        m = read_tflite(args.tflite)
        models = {mode: build_onnx(m, mode) for mode in ("float", "wq", "qdq")}
        if args.qlinear:
            models["qlinear"] = build_onnx_qlinear(m)
    except ConversionError as err:
        print(f"tflite2onnx: {args.tflite}: {err}", file=sys.stderr)
        return 1
    os.makedirs(args.out_dir, exist_ok=True)
    files = {}
    for mode, model in models.items():
        if mode == "qlinear":  # not part of the manifest
            fn = "model_qlinear.onnx"
            onnx.save(model, os.path.join(args.out_dir, fn))
            print(f"tflite2onnx: wrote {fn}")
            continue
        fn = f"model_{mode}.onnx"
        data = model.SerializeToString()
        with open(os.path.join(args.out_dir, fn), "wb") as f:
            f.write(data)
        ops = {}
        for n in model.graph.node:
            ops[n.op_type] = ops.get(n.op_type, 0) + 1
        files[mode] = dict(file=fn, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                           ops=dict(sorted(ops.items())))
        print(f"tflite2onnx: wrote {fn} ({len(data)} bytes, nodes {files[mode]['ops']})")
    upstream = {os.path.basename(args.tflite): sha256_file(args.tflite)}
    labels_info = None
    if args.labels:
        with open(args.labels, "rb") as f:
            lab = f.read()
        with open(os.path.join(args.out_dir, "labels.txt"), "wb") as f:
            f.write(lab)
        upstream[os.path.basename(args.labels)] = hashlib.sha256(lab).hexdigest()
        labels_info = dict(file="labels.txt", count=len(lab.decode().splitlines()),
                           sha256=hashlib.sha256(lab).hexdigest(),
                           note="line i = output index i; line 0 = 'background'")
    license_file = None
    if args.license_file:
        license_file = os.path.basename(args.license_file)
        with open(args.license_file, "rb") as f:
            lic = f.read()
        with open(os.path.join(args.out_dir, license_file), "wb") as f:
            f.write(lic)
    T = m["tensors"]
    tin, tout = T[m["inputs"][0]], T[m["outputs"][0]]
    s_in, z_in = scalar_quant(tin)
    s_out, z_out = scalar_quant(tout)
    manifest = {
        "name": "mobilenet-v2",
        "variants": {
            "float": dict(files["float"], meaning="weights dequantized to float32 "
                          "((q - zero_point) * scale), float activations, ReLU6 as Clip(0, 6)"),
            "wq": dict(files["wq"], meaning="weight-only quantization: the upstream uint8 "
                       "weights behind DequantizeLinear (ONNX Runtime folds them to float32 at "
                       "load), float biases and activations: the float variant's arithmetic at "
                       "a quarter of its size"),
            "qdq": dict(files["qdq"], meaning="QDQ format: uint8 weights/int32 biases behind "
                        "DequantizeLinear; each TFLite activation tensor as QuantizeLinear -> "
                        "DequantizeLinear with its TFLite (scale, zero point); ONNX Runtime fuses "
                        "the pattern into quantized kernels"),
        },
        "default_variant": "wq",
        "file": files["wq"]["file"],
        "web_files": [f for f in (files["wq"]["file"], "labels.txt", license_file) if f],
        "source": args.source,
        "upstream_sha256": upstream,
        "license": args.license,
        "license_file": license_file,
        "input": {"name": "image", "shape": list(tin["shape"]), "dtype": "uint8",
                  "layout": "NHWC", "tflite_name": tin["name"]},
        "preprocessing": {
            "description": "RGB image, central square crop, resized to 224x224 (the evaluation "
                           "uses PIL BILINEAR), bytes fed unchanged as uint8 NHWC",
            "color": "RGB", "height": tin["shape"][1], "width": tin["shape"][2],
            "input_quantization": {"scale": float(s_in[0]), "zero_point": int(z_in[0])},
            "float_equivalent": f"x = (u8 - {int(z_in[0])}) * {float(s_in[0])!r} "
                                "(done inside both ONNX files by DequantizeLinear)",
        },
        "outputs": [
            {"name": "probabilities", "shape": [1, tout["shape"][-1]], "dtype": "float32",
             "meaning": "softmax over 1001 classes (index 0 = background); in the qdq variant on "
                        f"TFLite's output grid (scale {float(s_out[0])!r}, zero point "
                        f"{int(z_out[0])})", "tflite_name": tout["name"]},
            {"name": "logits", "shape": [1, tout["shape"][-1]], "dtype": "float32",
             "meaning": "the softmax input (dequantized uint8 logits in the qdq variant)"},
        ],
        "labels": labels_info,
        "converter": {"name": CONVERTER_NAME, "version": CONVERTER_VERSION,
                      "script": "tools/convert/tflite2onnx.py", "opset": 17, "ir_version": 8},
    }
    with open(os.path.join(args.out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
