# Runs spirv-val (Vulkan 1.1 environment) on every kernel the build produced.
file(GLOB KERNELS ${KERNEL_DIR}/*.spv)
list(LENGTH KERNELS N)
if(N EQUAL 0)
  message(FATAL_ERROR "no kernels in ${KERNEL_DIR}: build the 'kernels' target first")
endif()
foreach(K ${KERNELS})
  execute_process(COMMAND ${SPIRV_VAL} --target-env vulkan1.1 ${K} RESULT_VARIABLE RC
                  ERROR_VARIABLE ERR)
  if(NOT RC EQUAL 0)
    message(FATAL_ERROR "spirv-val rejected ${K}: ${ERR}")
  endif()
endforeach()
message(STATUS "spirv-val accepted ${N} kernels")
