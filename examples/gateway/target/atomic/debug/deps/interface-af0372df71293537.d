/work/main/examples/gateway/target/atomic/debug/deps/interface-af0372df71293537.d: interface/src/lib.rs

/work/main/examples/gateway/target/atomic/debug/deps/libinterface-af0372df71293537.rmeta: interface/src/lib.rs

interface/src/lib.rs:
