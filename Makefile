# Convenience aliases; ./dev is the entry point (it needs only bash and python3, not make).
.PHONY: run test setup quality bench
run test setup quality bench:
	./dev $@
