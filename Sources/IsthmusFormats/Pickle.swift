import Foundation

/// A restricted unpickler for `torch.save` state dicts. It builds plain values only: the sole callables are
/// an allow-list of globals that it interprets itself (OrderedDict, tensor rebuilders, storage types);
/// any other global is refused and nothing is ever executed. Containers nest at most `maxDepth` deep and
/// are frozen once placed inside another, so no cycles or deep recursion can be built.
struct RestrictedUnpickler {
    final class Dict { var items: [(key: Value, value: Value)] = []; var depth = 1; var sealed = false }
    final class List { var items: [Value] = []; var depth = 1; var sealed = false }
    static let maxDepth = 64

    /// Elements `base..<numel` of the storage file `key` (`base` > 0 only for legacy storage views).
    struct Storage { let dtype: DType; let key: String; let numel: Int; var base = 0 }
    struct Tensor { let storage: Storage; let offset: Int; let size: [Int]; let stride: [Int] }

    indirect enum Value {
        case none, bool(Bool), int(Int), float(Double), string(String)
        case tuple([Value], depth: Int), list(List), dict(Dict)
        case global(String)
        case storage(Storage), tensor(Tensor)
    }

    static let storageTypes: [String: DType] = [
        "torch.FloatStorage": .float32, "torch.DoubleStorage": .float64, "torch.HalfStorage": .float16,
        "torch.BFloat16Storage": .bfloat16, "torch.LongStorage": .int64, "torch.IntStorage": .int32,
        "torch.ByteStorage": .uint8, "torch.BoolStorage": .bool,
    ]
    static let callables: Set<String> = ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter"]

    let data: [UInt8]
    let label: String
    var pos = 0
    var stack: [Value] = []
    var marks: [Int] = []
    var memo: [Int: Value] = [:]

    init(data: [UInt8], label: String, start: Int = 0) {
        self.data = data
        self.label = label
        self.pos = start
    }

    func fail(_ why: String) -> FormatError { FormatError(file: label, reason: "pickle: \(why)") }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= data.count - pos else { throw fail("truncated at byte \(pos)") }
        defer { pos += n }
        return data[pos..<(pos + n)]
    }

    mutating func uint(_ n: Int) throws -> Int {
        var v = 0
        for (k, b) in try take(n).enumerated() { v |= Int(b) << (8 * k) }
        guard v >= 0 else { throw fail("length field too large") }
        return v
    }

    mutating func line() throws -> String {
        guard let nl = data[pos...].prefix(4096).firstIndex(of: 0x0A) else { throw fail("unterminated GLOBAL name") }
        let s = String(decoding: data[pos..<nl], as: UTF8.self)
        pos = nl + 1
        return s
    }

    mutating func pop() throws -> Value {
        guard let v = stack.popLast() else { throw fail("stack underflow at byte \(pos)") }
        if let m = marks.last, stack.count < m { throw fail("stack underflow past MARK at byte \(pos)") }
        return v
    }

    mutating func popMark() throws -> [Value] {
        guard let m = marks.popLast(), m <= stack.count else { throw fail("missing MARK at byte \(pos)") }
        defer { stack.removeSubrange(m...) }
        return Array(stack[m...])
    }

    mutating func string(_ n: Int) throws -> Value {
        guard n <= 1 << 24 else { throw fail("string of \(n) bytes is too long") }
        guard let s = String(bytes: try take(n), encoding: .utf8) else { throw fail("invalid UTF-8 string") }
        return .string(s)
    }

    mutating func global(_ name: String) throws -> Value {
        guard Self.callables.contains(name) || Self.storageTypes[name] != nil else {
            // A class of a network (torch.nn.Linear, a user's __main__.Net, a torchvision model): torch.save(model).
            let module = ["torch.nn.", "__main__.", "torchvision.", "timm."].contains { name.hasPrefix($0) }
            throw fail("refusing global \(name)" + (module ? "; this file holds a whole pickled module, not a state_dict: "
                + "save it with torch.save(model.state_dict(), PATH)" : ""))
        }
        return .global(name)
    }

    /// Runs the pickle to its STOP opcode and returns the result; `pos` is then just past the STOP.
    mutating func load() throws -> Value {
        (stack, marks, memo) = ([], [], [:])
        while true {
            let op = try take(1).first ?? 0
            switch op {
            case 0x80: _ = try take(1)  // PROTO
            case 0x95: _ = try take(8)  // FRAME
            case 0x2E:  // STOP
                guard stack.count == 1, marks.isEmpty, let v = stack.first else { throw fail("malformed stack at STOP") }
                return v
            case 0x63: stack.append(try global(try line() + "." + line()))  // GLOBAL
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else { throw fail("STACK_GLOBAL needs two strings") }
                stack.append(try global(module + "." + name))
            case 0x71: memo[try uint(1)] = try top()  // BINPUT
            case 0x72: memo[try uint(4)] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let k = try uint(op == 0x68 ? 1 : 4)
                guard let v = memo[k] else { throw fail("memo key \(k) not found") }
                stack.append(v)
            case 0x7D: stack.append(.dict(Dict()))  // EMPTY_DICT
            case 0x29: stack.append(.tuple([], depth: 1))  // EMPTY_TUPLE
            case 0x5D: stack.append(.list(List()))  // EMPTY_LIST
            case 0x28: marks.append(stack.count)  // MARK
            case 0x74: stack.append(try tuple(try popMark()))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1..3
                var items = [Value]()
                for _ in 0..<Int(op - 0x84) { items.insert(try pop(), at: 0) }
                stack.append(try tuple(items))
            case 0x58: stack.append(try string(try uint(4)))  // BINUNICODE
            case 0x8C: stack.append(try string(try uint(1)))  // SHORT_BINUNICODE
            case 0x8D: stack.append(try string(try uint(8)))  // BINUNICODE8
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x4B: stack.append(.int(try uint(1)))  // BININT1
            case 0x4D: stack.append(.int(try uint(2)))  // BININT2
            case 0x8A:  // LONG1
                let n = try uint(1)
                guard n <= 8 else { throw fail("integer of \(n) bytes is too large") }
                let b = try take(n)
                var v: UInt64 = 0
                for (k, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(k)) }
                if n > 0 && n < 8 && (b.last ?? 0) & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) }  // sign-extend
                stack.append(.int(Int(Int64(bitPattern: v))))
            case 0x47:  // BINFLOAT
                var v: UInt64 = 0
                for x in try take(8) { v = v << 8 | UInt64(x) }
                stack.append(.float(Double(bitPattern: v)))
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4E: stack.append(.none)  // NONE
            case 0x52:  // REDUCE
                guard case .tuple(let args, _) = try pop(), case .global(let f) = try pop() else { throw fail("REDUCE needs a callable and a tuple") }
                stack.append(try call(f, args))
            case 0x81:  // NEWOBJ
                guard case .tuple(let args, _) = try pop(), case .global(let cls) = try pop() else { throw fail("NEWOBJ needs a class and a tuple") }
                stack.append(try call(cls, args))
            case 0x62:  // BUILD: state of OrderedDict (_metadata) or tensors is not needed
                _ = try pop()
                switch try top() {
                case .dict, .tensor: break
                default: throw fail("BUILD on an unsupported object")
                }
            case 0x73:  // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let d) = try top(), !d.sealed else { throw fail("SETITEM on a non-dict") }
                d.depth = try insert([k, v], into: d.depth)
                guard !d.sealed else { throw fail("dict inserted into itself") }
                d.items.append((k, v))
            case 0x75:  // SETITEMS
                let kv = try popMark()
                guard kv.count % 2 == 0, case .dict(let d) = try top(), !d.sealed else { throw fail("SETITEMS on a non-dict or odd items") }
                d.depth = try insert(kv, into: d.depth)
                guard !d.sealed else { throw fail("dict inserted into itself") }
                for i in stride(from: 0, to: kv.count, by: 2) { d.items.append((kv[i], kv[i + 1])) }
            case 0x61:  // APPEND
                let v = try pop()
                guard case .list(let l) = try top(), !l.sealed else { throw fail("APPEND on a non-list") }
                l.depth = try insert([v], into: l.depth)
                guard !l.sealed else { throw fail("list appended to itself") }
                l.items.append(v)
            case 0x65:  // APPENDS
                let vs = try popMark()
                guard case .list(let l) = try top(), !l.sealed else { throw fail("APPENDS on a non-list") }
                l.depth = try insert(vs, into: l.depth)
                guard !l.sealed else { throw fail("list appended to itself") }
                l.items += vs
            case 0x51:  // BINPERSID
                stack.append(try persistent(try pop()))
            default:
                throw fail(String(format: "unsupported opcode 0x%02x at byte %d", op, pos - 1))
            }
            guard stack.count <= 1 << 20, memo.count <= 1 << 22 else { throw fail("stack or memo too large") }
        }
    }

    /// Seals `items` (containers are frozen once nested); returns `depth` raised to cover them.
    func insert(_ items: [Value], into depth: Int) throws -> Int {
        var depth = depth
        for v in items {
            let d: Int
            switch v {
            case .tuple(_, let td): d = td
            case .dict(let c): c.sealed = true; d = c.depth
            case .list(let c): c.sealed = true; d = c.depth
            default: d = 0
            }
            depth = max(depth, d + 1)
        }
        guard depth <= Self.maxDepth else { throw fail("containers nested more than \(Self.maxDepth) deep") }
        return depth
    }

    func tuple(_ items: [Value]) throws -> Value {
        .tuple(items, depth: try insert(items, into: 1))
    }

    func top() throws -> Value {
        guard let v = stack.last else { throw fail("empty stack at byte \(pos)") }
        return v
    }

    func int(_ v: Value, _ what: String) throws -> Int {
        guard case .int(let i) = v else { throw fail("\(what) is not an integer") }
        return i
    }

    func ints(_ v: Value, _ what: String) throws -> [Int] {
        guard case .tuple(let items, _) = v else { throw fail("\(what) is not a tuple") }
        return try items.map { try int($0, what) }
    }

    /// ('storage', storage_type, key, location, numel), or in the legacy format
    /// ('storage', storage_type, root_key, location, root_numel, view) with view None or (view_key, offset, numel).
    func persistent(_ pid: Value) throws -> Value {
        guard case .tuple(let t, _) = pid, t.count == 5 || t.count == 6, case .string("storage") = t[0],
              case .global(let type) = t[1], case .string(let key) = t[2] else { throw fail("unsupported persistent id") }
        guard let dtype = Self.storageTypes[type] else { throw fail("\(type) is not a storage type") }
        let numel = try int(t[4], "storage size")
        guard numel >= 0 else { throw fail("negative storage size") }
        var storage = Storage(dtype: dtype, key: key, numel: numel)
        if t.count == 6, case .tuple(let view, _) = t[5] {
            guard view.count == 3 else { throw fail("bad storage view") }
            let offset = try int(view[1], "view offset"), count = try int(view[2], "view size")
            guard offset >= 0, count >= 0, count <= numel - offset else { throw fail("storage view outside its root storage") }
            storage = Storage(dtype: dtype, key: key, numel: offset + count, base: offset)
        }
        return .storage(storage)
    }

    func call(_ f: String, _ args: [Value]) throws -> Value {
        switch f {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw fail("OrderedDict with arguments") }
            return .dict(Dict())
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let s) = args[0] else { throw fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)") }
            let t = Tensor(storage: s, offset: try int(args[1], "storage offset"), size: try ints(args[2], "size"),
                           stride: try ints(args[3], "stride"))
            guard t.size.count == t.stride.count else { throw fail("size \(t.size) and stride \(t.stride) differ in rank") }
            return .tensor(t)
        case "torch._utils._rebuild_parameter":
            guard let first = args.first, case .tensor = first else { throw fail("_rebuild_parameter needs a tensor") }
            return first
        default:
            throw fail("\(f) is not callable")
        }
    }
}
