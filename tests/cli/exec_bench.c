/* SPDX-License-Identifier: MIT */
/* exec_bench N CMD ARGS...: run CMD N times (fork, exec, wait; stdout to /dev/null) and print
   min / median / mean / p90 wall time in ms. Used by bench_list.py. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  if(argc<3){fprintf(stderr,"usage: exec_bench N cmd args...\n");return 2;}
  int n=atoi(argv[1]); double *t=malloc(sizeof(double)*n); double sum=0;
  for(int i=0;i<n;i++){double s=now(); pid_t p=fork(); if(p==0){int fd=open("/dev/null",O_WRONLY);dup2(fd,1);execvp(argv[2],argv+2);_exit(127);} int st; waitpid(p,&st,0); t[i]=now()-s; sum+=t[i]; if(!WIFEXITED(st)||WEXITSTATUS(st)!=0){fprintf(stderr,"exit %d\n",WEXITSTATUS(st));return 1;}}
  qsort(t,n,sizeof(double),cmp);
  printf("n=%d min=%.3f median=%.3f mean=%.3f p90=%.3f ms\n",n,t[0],t[n/2],sum/n,t[n*9/10]);
  return 0;}
