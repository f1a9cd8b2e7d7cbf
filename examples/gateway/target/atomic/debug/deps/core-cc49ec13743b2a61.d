/work/main/examples/gateway/target/atomic/debug/deps/core-cc49ec13743b2a61.d: core/src/lib.rs

/work/main/examples/gateway/target/atomic/debug/deps/libcore-cc49ec13743b2a61.rmeta: core/src/lib.rs

core/src/lib.rs:
