//go:build !purego

#include "textflag.h"

// Each macro compares the 16 bytes at off(SI) with the broadcast bytes in X8-X15 and leaves in
// reg a bit per byte that equals one of them. X0-X7 are scratch.

#define CMP1(off, reg) \
	MOVOU   off(SI), X0; \
	PCMPEQB X8, X0;      \
	PMOVMSKB X0, reg

#define CMP2(off, reg) \
	MOVOU   off(SI), X0; \
	MOVO    X0, X1;      \
	PCMPEQB X8, X0;      \
	PCMPEQB X9, X1;      \
	POR     X1, X0;      \
	PMOVMSKB X0, reg

#define CMP4(off, reg) \
	MOVOU   off(SI), X0; \
	MOVO    X0, X1;      \
	MOVO    X0, X2;      \
	MOVO    X0, X3;      \
	PCMPEQB X8, X0;      \
	PCMPEQB X9, X1;      \
	PCMPEQB X10, X2;     \
	PCMPEQB X11, X3;     \
	POR     X1, X0;      \
	POR     X3, X2;      \
	POR     X2, X0;      \
	PMOVMSKB X0, reg

#define CMP8(off, reg) \
	MOVOU   off(SI), X0; \
	MOVO    X0, X1;      \
	MOVO    X0, X2;      \
	MOVO    X0, X3;      \
	MOVO    X0, X4;      \
	MOVO    X0, X5;      \
	MOVO    X0, X6;      \
	MOVO    X0, X7;      \
	PCMPEQB X8, X0;      \
	PCMPEQB X9, X1;      \
	PCMPEQB X10, X2;     \
	PCMPEQB X11, X3;     \
	PCMPEQB X12, X4;     \
	PCMPEQB X13, X5;     \
	PCMPEQB X14, X6;     \
	PCMPEQB X15, X7;     \
	POR     X1, X0;      \
	POR     X3, X2;      \
	POR     X5, X4;      \
	POR     X7, X6;      \
	POR     X2, X0;      \
	POR     X6, X4;      \
	POR     X4, X0;      \
	PMOVMSKB X0, reg

// JOIN joins the four 16-bit masks of a 64-byte block, in R8-R11, into one in R8.
#define JOIN \
	SHLQ  $16, R9;      \
	SHLQ  $32, R10;     \
	SHLQ  $48, R11;     \
	ORQ   R9, R8;       \
	ORQ   R11, R10;     \
	ORQ   R10, R8

// PUT stores the mask in R8 at (DI) and the block's number (DX) at (R12), and moves DI and R12
// past them when the mask is not zero: without a branch, which hits at random would mispredict.
#define PUT \
	MOVQ  R8, (DI);     \
	MOVB  DX, (R12);    \
	XORL  AX, AX;       \
	TESTQ R8, R8;       \
	SETNE AL;           \
	LEAQ  (DI)(AX*8), DI; \
	ADDQ  AX, R12;      \
	INCQ  DX;           \
	ADDQ  $64, SI;      \
	DECQ  CX

// NIB compares the 16 bytes at off(SI) with the set by nibbles: X13 holds, for each low nibble,
// a bit per byte of the set that has it (X14 the same for high nibbles), and a byte is in the
// set when the bits of its two nibbles meet. It leaves in reg a bit per byte that is NOT in the
// set (the caller inverts the joined mask). X15 is 0x0f in every byte, X12 zero; X0-X3 scratch.
#define NIB(off, reg) \
	MOVOU   off(SI), X0; \
	MOVO    X0, X1;      \
	PSRLW   $4, X1;      \
	PAND    X15, X0;     \
	PAND    X15, X1;     \
	MOVO    X13, X2;     \
	MOVO    X14, X3;     \
	PSHUFB  X0, X2;      \
	PSHUFB  X1, X3;      \
	PAND    X3, X2;      \
	PCMPEQB X12, X2;     \
	PMOVMSKB X2, reg

// func masksAsm(tabs *[10][16]byte, n int, src []byte, out []uint64, blocks []uint8) int
TEXT ·masksAsm(SB), NOSPLIT, $0-96
	MOVQ  tabs+0(FP), AX
	MOVQ  n+8(FP), BX
	MOVQ  src_base+16(FP), SI
	MOVQ  out_base+40(FP), DI
	MOVQ  out_len+48(FP), CX
	MOVQ  blocks_base+64(FP), R12
	XORL  DX, DX
	MOVOU 0(AX), X8
	MOVOU 16(AX), X9
	MOVOU 32(AX), X10
	MOVOU 48(AX), X11
	MOVOU 64(AX), X12
	MOVOU 80(AX), X13
	MOVOU 96(AX), X14
	MOVOU 112(AX), X15
	TESTQ CX, CX
	JZ    done
	TESTQ BX, BX
	JZ    nibbles
	CMPQ  BX, $1
	JEQ   loop1
	CMPQ  BX, $2
	JEQ   loop2
	CMPQ  BX, $4
	JEQ   loop4
	JMP   loop8

nibbles:
	MOVOU 128(AX), X13
	MOVOU 144(AX), X14
	PXOR  X12, X12
	MOVQ  $0x0f0f0f0f0f0f0f0f, R8
	MOVQ  R8, X15
	PUNPCKLQDQ X15, X15

nibloop:
	NIB(0, R8)
	NIB(16, R9)
	NIB(32, R10)
	NIB(48, R11)
	JOIN
	NOTQ  R8
	PUT
	JNZ   nibloop
	JMP   done

loop8:
	CMP8(0, R8)
	CMP8(16, R9)
	CMP8(32, R10)
	CMP8(48, R11)
	JOIN
	PUT
	JNZ loop8
	JMP done

loop4:
	CMP4(0, R8)
	CMP4(16, R9)
	CMP4(32, R10)
	CMP4(48, R11)
	JOIN
	PUT
	JNZ loop4
	JMP done

loop2:
	CMP2(0, R8)
	CMP2(16, R9)
	CMP2(32, R10)
	CMP2(48, R11)
	JOIN
	PUT
	JNZ loop2
	JMP done

loop1:
	CMP1(0, R8)
	CMP1(16, R9)
	CMP1(32, R10)
	CMP1(48, R11)
	JOIN
	PUT
	JNZ loop1

done:
	SUBQ  out_base+40(FP), DI
	SHRQ  $3, DI
	MOVQ  DI, ret+88(FP)
	RET
