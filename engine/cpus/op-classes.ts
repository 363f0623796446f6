// The op classes every CPU model prices (engine/cpus/*): the coarse vocabulary the timing
// model's machine ops (engine/timing/op-class.ts) are sorted into. Every class must have a
// sourced latency and reciprocal throughput in every CPU model.

export const OP_CLASSES = [
  'alu', // add/sub/and/or/xor/neg/cmp/test, register or immediate operands
  'mov-reg', // register copy (often eliminated at rename)
  'mov-imm', // mov r32/r64 imm32, movz/movn/movk
  'movabs', // x86 mov r64, imm64 (10 bytes)
  'lea', // address arithmetic without flags
  'shift', // shift/rotate by immediate, BMI2 shlx/shrx/sarx, arm64 lslv/lsrv/asrv
  'shift-cl', // x86 shift by %cl (3 uops on Intel: flags merge)
  'imul', // integer multiply
  'div32', // 32-bit divide (unsigned or signed)
  'div64', // 64-bit divide (unsigned or signed)
  'movzx', // zero/sign extension register to register
  'bswap', // byte swap / rev / ror16
  'cmov', // conditional move / csel
  'load', // plain load
  'load-alu', // load folded into an ALU op (cmp [mem], imm; add reg, [mem])
  'gs-load', // x86 per-CPU load or add through %gs (segment base + disp32)
  'sysreg-read', // arm64 mrs (tpidr_el1/el2, sp_el0): per-CPU / current-task base
  'store', // plain store
  'atomic-rmw', // lock-prefixed RMW / LSE atomic / LL-SC loop body
  'push', // store + stack-pointer update
  'pop', // load + stack-pointer update
  'leave', // mov rsp, rbp; pop rbp
  'branch-cond', // conditional branch (jcc, b.cond, cbz/cbnz)
  'jmp', // unconditional direct jump
  'jmp-indirect', // indirect jump through a register
  'call-direct', // call rel32 / bl
  'call-indirect', // call through a register (blr, callx)
  'ret', // ret
  'return-thunk', // jmp __x86_return_thunk (and what the thunk runs)
  'nop', // nop2..nop5, endbr64, bti, paciasp/autiasp hints
  'fence', // lfence, dmb
] as const;

export type OpClass = (typeof OP_CLASSES)[number];
