fn main() {
    std::process::exit(cargo_atomic::cli::main(std::env::args_os()));
}
