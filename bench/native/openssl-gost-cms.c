/*
 * The bench's in-process baseline: OpenSSL's GOST engine signing and verifying the same detached CAdES-BES CMS as
 * dmsnet, on the same bytes, key and certificates, in a loop in one process (no process start per document).
 * Built by bench/gost.bench.ts with `cc -O2 … -lcrypto` where a C compiler and OpenSSL's headers are installed.
 * Usage: openssl-gost-cms CERT.pem KEY.pem ROOT.pem DOC SECONDS  →  prints "<signs/s> <verifies/s>".
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/cms.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void *read_pem(const char *file, int what) {
  FILE *f = fopen(file, "r");
  if (!f) return NULL;
  void *v = what == 0 ? (void *)PEM_read_X509(f, NULL, NULL, NULL) : (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  return v;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s CERT KEY ROOT DOC SECONDS\n", argv[0]);
    return 2;
  }
  ENGINE_load_builtin_engines();
  ENGINE *e = ENGINE_by_id("gost");
  if (!e || !ENGINE_init(e) || !ENGINE_set_default(e, ENGINE_METHOD_ALL)) {
    ERR_print_errors_fp(stderr);
    return 3;
  }
  X509 *cert = read_pem(argv[1], 0), *root = read_pem(argv[3], 0);
  EVP_PKEY *key = read_pem(argv[2], 1);
  if (!cert || !key || !root) {
    ERR_print_errors_fp(stderr);
    return 4;
  }
  FILE *f = fopen(argv[4], "rb");
  static unsigned char doc[1 << 20];
  size_t n = f ? fread(doc, 1, sizeof doc, f) : 0;
  if (f) fclose(f);
  double secs = atof(argv[5]);
  X509_STORE *store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  X509_STORE_set_purpose(store, X509_PURPOSE_ANY);

  unsigned char *der = NULL;
  int len = 0;
  long runs = 0;
  double t0 = now();
  do {
    BIO *in = BIO_new_mem_buf(doc, (int)n);
    CMS_ContentInfo *cms = CMS_sign(cert, key, NULL, in, CMS_DETACHED | CMS_BINARY | CMS_CADES);
    if (!cms) {
      ERR_print_errors_fp(stderr);
      return 5;
    }
    OPENSSL_free(der);
    der = NULL;
    len = i2d_CMS_ContentInfo(cms, &der);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    runs++;
  } while (now() - t0 < secs || runs < 20);
  double signs = runs / (now() - t0);

  runs = 0;
  t0 = now();
  do {
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, len);
    BIO *in = BIO_new_mem_buf(doc, (int)n);
    if (!cms || !CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY | CMS_CADES)) {
      ERR_print_errors_fp(stderr);
      return 6;
    }
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    runs++;
  } while (now() - t0 < secs || runs < 20);
  printf("%f %f\n", signs, runs / (now() - t0));
  return 0;
}
